//! Reading posts and commenting on them.

use leptos::prelude::*;

use crate::domain::PostView;
use crate::error::AppError;

/// The post at `slug` with its comments. Drafts and scheduled posts are the admin's alone.
#[server(endpoint = "posts/get")]
pub async fn get_post(slug: String) -> Result<PostView, AppError> {
    use super::guard;
    use crate::db;
    use crate::domain::{CommentView, Role};
    use crate::render;

    guard::respond(
        async {
            let state = guard::state()?;
            let viewer = guard::auth_session().await?.user;
            let is_admin = viewer.as_ref().is_some_and(|u| u.role == Role::Admin);
            let not_found = || AppError::NotFound("There is no post at this address.".into());
            let db_err = |e| AppError::from_db("loading a post", e);
            let post = db::posts::by_slug(&state.db, &slug)
                .await
                .map_err(db_err)?
                .ok_or_else(not_found)?;
            let published = post.published_at.is_some_and(|at| at <= db::now());
            if !published && !is_admin {
                return Err(not_found());
            }
            let comments = db::comments::for_post(&state.db, post.id)
                .await
                .map_err(db_err)?;
            let comments = comments
                .into_iter()
                .map(|c| CommentView {
                    can_delete: viewer
                        .as_ref()
                        .is_some_and(|u| u.id == c.author_id || is_admin),
                    avatar_url: gravatar(&c.author_email),
                    body_html: render::comment_html(&c.body),
                    id: c.id,
                    author_name: c.author_name,
                    created_at: c.created_at,
                })
                .collect();
            Ok(PostView {
                id: post.id,
                body_html: render::post_html(&post.body),
                slug: post.slug,
                title: post.title,
                subtitle: post.subtitle,
                author_name: post.author_name,
                cover_url: post.cover_url,
                published_at: post.published_at,
                comments,
            })
        }
        .await,
    )
}

/// Gravatar's address for an email: the MD5 of the trimmed, lowercased address, so the
/// email itself never reaches the browser.
#[cfg(feature = "ssr")]
pub fn gravatar(email: &str) -> String {
    use md5::{Digest, Md5};
    let digest = Md5::digest(email.trim().to_lowercase().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("https://www.gravatar.com/avatar/{hex}?d=retro&s=100")
}

/// Adds the logged-in user's comment to the post at `slug`.
#[server(endpoint = "comments/add")]
pub async fn add_comment(slug: String, body: String) -> Result<(), AppError> {
    use super::guard;
    use crate::auth::rate_limit;
    use crate::db;
    use crate::domain::{parse_comment, Role};

    guard::respond(
        async {
            let state = guard::state()?;
            let (_, user) = guard::require_user().await?;
            let text = parse_comment(&body)
                .map_err(|m| AppError::invalid("body", m).with_values(&[("body", &body)]))?;
            let limit = rate_limit::Policy {
                free: i64::from(state.site.comments_per_hour),
                ..rate_limit::COMMENT_PER_ACCOUNT
            };
            let account = user.id.to_string();
            let limited = user.role != Role::Admin;
            let db_err = |e| AppError::from_db("adding a comment", e);
            if limited {
                if let Some(wait) = limit.check(&state.db, &account).await.map_err(db_err)? {
                    return Err(AppError::TooManyRequests(rate_limit::retry_message(
                        "You have posted many comments in a short time.",
                        wait,
                    )));
                }
            }
            match db::comments::create(&state.db, &slug, user.id, &text).await {
                Ok(Some(_)) => {
                    // The comment is saved: failing to count it must not tell the reader it
                    // was not (they would post it again).
                    if limited {
                        if let Err(e) = limit.record(&state.db, &account).await {
                            tracing::warn!(error = %e, "could not count a comment for its rate limit");
                        }
                    }
                    Ok(())
                }
                Ok(None) => Err(AppError::NotFound(
                    "There is no post at this address.".into(),
                )),
                Err(e) => Err(AppError::from_db("adding a comment", e)),
            }
        }
        .await,
    )
}

/// Deletes a comment: its author or the admin may.
#[server(endpoint = "comments/delete")]
pub async fn delete_comment(id: i64) -> Result<(), AppError> {
    use super::guard;
    use crate::db;
    use crate::domain::Role;

    guard::respond(
        async {
            let state = guard::state()?;
            let (_, user) = guard::require_user().await?;
            let db_err = |e| AppError::from_db("deleting a comment", e);
            if db::comments::delete(&state.db, id, user.id, user.role == Role::Admin)
                .await
                .map_err(db_err)?
            {
                Ok(())
            } else if db::comments::exists(&state.db, id).await.map_err(db_err)? {
                Err(AppError::Forbidden)
            } else {
                Err(AppError::NotFound("There is no such comment.".into()))
            }
        }
        .await,
    )
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn gravatar_hashes_the_normalized_email() {
        // The example from Gravatar's documentation.
        assert_eq!(
            super::gravatar(" MyEmailAddress@example.com "),
            "https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?d=retro&s=100"
        );
    }
}
