//! Comment moderation, the admin's alone: hiding, showing and approving comments, the queue
//! of those not visible, and the "hold new comments for approval" setting.

use crate::db::{self, comments::Moderated, comments::Viewer};
use crate::domain::{Capability, CommentStatus, ModerationAction, ModerationQueue, QueuedComment};
use crate::error::AppError;
use crate::state::AppState;

use super::reading::comment_view;
use super::Caller;

/// Hides, shows or approves comment `id` (`action`: `hide`, `show` or `approve`).
pub async fn moderate(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: &str,
) -> Result<(), AppError> {
    let admin = caller.require(Capability::Moderate)?;
    let action = ModerationAction::parse(action).map_err(AppError::BadRequest)?;
    match db::comments::moderate(&state.db, id, action).await {
        Ok(Moderated::Done) => {
            // An approved (or shown) reply may be one its parent's author awaits.
            if action != ModerationAction::Hide {
                super::replies::notify(state, id).await;
            }
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
                CommentStatus::Pending => "That comment awaits approval: approve it instead.",
                CommentStatus::Hidden => "That comment is hidden: show it instead.",
                CommentStatus::Visible => "That comment is already visible.",
            },
        )),
        Ok(Moderated::Missing) => Err(AppError::NotFound("There is no such comment.".into())),
        Err(e) => Err(AppError::from_db("moderating a comment", e)),
    }
}

/// The hidden and pending comments, newest first, and whether new ones are held.
pub async fn queue(state: &AppState, caller: &Caller) -> Result<ModerationQueue, AppError> {
    caller.require(Capability::Moderate)?;
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
            comment: comment_view(r.comment, Viewer::Moderator, &state.site),
        })
        .collect();
    Ok(ModerationQueue {
        hold_for_approval,
        comments,
    })
}

/// Turns "hold new comments for approval" on or off.
pub async fn set_hold(state: &AppState, caller: &Caller, hold: bool) -> Result<(), AppError> {
    let admin = caller.require(Capability::Moderate)?;
    db::site::set_hold_comments(&state.db, hold)
        .await
        .map_err(|e| AppError::from_db("saving the comment setting", e))?;
    tracing::info!(user.id = admin.id, hold, "hold comments for approval set");
    Ok(())
}
