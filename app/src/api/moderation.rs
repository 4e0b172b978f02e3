//! Comment moderation, the admin's alone: hiding, showing and approving comments, the
//! moderation queue, and the "hold new comments for approval" setting.

use leptos::prelude::*;

use crate::domain::ModerationQueue;
use crate::error::AppError;

/// Hides, shows or approves comment `id` (`action`: `hide`, `show` or `approve`).
#[server(endpoint = "comments/moderate")]
pub async fn moderate_comment(id: i64, action: String) -> Result<(), AppError> {
    use super::guard;
    use crate::db::comments::{self, Moderated};
    use crate::domain::{CommentStatus, ModerationAction};

    guard::respond(
        async {
            let state = guard::state()?;
            let admin = guard::require_admin().await?;
            let action = ModerationAction::parse(&action).map_err(AppError::BadRequest)?;
            match comments::moderate(&state.db, id, action).await {
                Ok(Moderated::Done) => {
                    tracing::info!(
                        user.id = admin.id,
                        comment.id = id,
                        action = action.as_str(),
                        "comment moderated"
                    );
                    Ok(())
                }
                Ok(Moderated::NotApplicable(status)) => Err(AppError::conflict(
                    "form",
                    match status {
                        CommentStatus::Pending => {
                            "That comment awaits approval: approve it instead."
                        }
                        CommentStatus::Hidden => "That comment is hidden: show it instead.",
                        CommentStatus::Visible => "That comment is already visible.",
                    },
                )),
                Ok(Moderated::Missing) => {
                    Err(AppError::NotFound("There is no such comment.".into()))
                }
                Err(e) => Err(AppError::from_db("moderating a comment", e)),
            }
        }
        .await,
    )
}

/// The hidden and pending comments, newest first, and whether new ones are held.
#[server(endpoint = "admin/comments")]
pub async fn get_moderation_queue() -> Result<ModerationQueue, AppError> {
    use super::guard;
    use crate::db::{self, comments::Viewer};
    use crate::domain::QueuedComment;

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            let db_err = |e| AppError::from_db("listing comments to moderate", e);
            let hold_for_approval = db::site::hold_comments(&state.db).await.map_err(db_err)?;
            let rows = db::comments::moderation_queue(&state.db)
                .await
                .map_err(db_err)?;
            let comments = rows
                .into_iter()
                .map(|r| QueuedComment {
                    post_slug: r.post_slug,
                    post_title: r.post_title,
                    comment: super::comment_view(r.comment, Viewer::Admin, &state.site),
                })
                .collect();
            Ok(ModerationQueue {
                hold_for_approval,
                comments,
            })
        }
        .await,
    )
}

/// Turns "hold new comments for approval" on or off. `hold` comes from a checkbox, which a
/// form leaves out when it is not ticked: missing means off.
#[server(endpoint = "admin/comments/hold")]
pub async fn set_hold_comments(#[server(default)] hold: bool) -> Result<(), AppError> {
    use super::guard;

    guard::respond(
        async {
            let state = guard::state()?;
            let admin = guard::require_admin().await?;
            crate::db::site::set_hold_comments(&state.db, hold)
                .await
                .map_err(|e| AppError::from_db("saving the comment setting", e))?;
            tracing::info!(user.id = admin.id, hold, "hold comments for approval set");
            Ok(())
        }
        .await,
    )
}
