//! Reading posts and commenting on them.

use leptos::prelude::*;

use crate::domain::{CommentStatus, PostView};
use crate::error::AppError;

/// The post at `slug` with the comments the viewer may see: visible ones; their own held
/// for approval too; every one for the admin. Drafts and scheduled posts are the admin's alone.
/// `preview`, the token of the post's private preview link, shows an unpublished post to
/// whoever has the link. `comments` picks the page of comments (1, the default: the newest).
#[server(endpoint = "posts/get")]
pub async fn get_post(
    slug: String,
    preview: Option<String>,
    comments: Option<u32>,
) -> Result<PostView, AppError> {
    use super::guard;
    use crate::db::{self, comments::Viewer};
    use crate::domain::{PostStatus, Role};

    guard::respond(
        async {
            let state = guard::state()?;
            let viewer = match guard::auth_session().await?.user {
                None => Viewer::Visitor,
                Some(u) if u.role == Role::Admin => Viewer::Admin,
                Some(u) => Viewer::Reader(u.id),
            };
            let not_found = || AppError::NotFound("There is no post at this address.".into());
            let db_err = |e| AppError::from_db("loading a post", e);
            let post = db::posts::by_slug(&state.db, &slug)
                .await
                .map_err(db_err)?
                .ok_or_else(not_found)?;
            let status = PostStatus::of(post.published_at, db::now());
            let is_admin = viewer == Viewer::Admin;
            let has_link = preview.is_some() && preview == post.preview_token;
            if status != PostStatus::Published && !is_admin && !has_link {
                return Err(not_found());
            }
            let comment_page = comments.unwrap_or(1).max(1);
            let page = db::comments::page_for_post(&state.db, post.id, viewer, comment_page)
                .await
                .map_err(db_err)?;
            let tags = db::tags::for_post(&state.db, post.id)
                .await
                .map_err(db_err)?;
            let comments = page
                .comments
                .into_iter()
                .map(|c| comment_view(c, viewer, &state.site))
                .collect();
            let host = leptos_axum::extract::<axum::http::HeaderMap>()
                .await
                .ok()
                .and_then(|h| {
                    h.get(axum::http::header::HOST)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                });
            let url = format!(
                "{}/posts/{}",
                state.site.base_url(host.as_deref()),
                post.slug
            );
            let preview_url = match (&post.preview_token, status) {
                (Some(token), PostStatus::Draft | PostStatus::Scheduled) if is_admin => {
                    Some(format!("{url}?preview={token}"))
                }
                _ => None,
            };
            Ok(PostView {
                id: post.id,
                url,
                status,
                preview_url,
                tags,
                author_id: post.author_id,
                reading_minutes: db::posts::reading_minutes(crate::render::text_chars(
                    &post.body,
                    post.body_format,
                ) as i64),
                updated_at: post.updated_at,
                body_html: crate::render::post_body_html(&post.body, post.body_format),
                slug: post.slug,
                title: post.title,
                subtitle: post.subtitle,
                author_name: post.author_name,
                cover_url: post.cover_url,
                published_at: post.published_at,
                comments,
                comment_page,
                earlier_comments: page.earlier,
                visible_comments: page.visible_total,
            })
        }
        .await,
    )
}

/// A comment as `viewer` gets it: rendered, the email turned into an avatar, and what they
/// may do with it.
#[cfg(feature = "ssr")]
pub fn comment_view(
    c: crate::db::comments::CommentRecord,
    viewer: crate::db::comments::Viewer,
    site: &crate::state::SiteSettings,
) -> crate::domain::CommentView {
    use crate::db::comments::Viewer;
    use crate::domain::Avatar;
    let is_admin = viewer == Viewer::Admin;
    crate::domain::CommentView {
        status: c.status(),
        can_delete: is_admin || viewer == Viewer::Reader(c.author_id),
        can_moderate: is_admin,
        avatar: if site.gravatar {
            Avatar::Gravatar(gravatar(&c.author_email))
        } else {
            Avatar::initial(&c.author_name, c.author_id)
        },
        body_html: crate::render::comment_body_html(&c.body, c.body_format),
        id: c.id,
        author_name: c.author_name,
        created_at: c.created_at,
    }
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

/// Adds the logged-in user's comment to the post at `slug`, and answers with its status:
/// `Pending` when it waits for the admin's approval. `website` is the honeypot: a form that
/// fills it is answered like any other and stored nowhere.
#[server(endpoint = "comments/add")]
pub async fn add_comment(
    slug: String,
    body: String,
    #[server(default)] website: String,
) -> Result<CommentStatus, AppError> {
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
            let db_err = |e| AppError::from_db("adding a comment", e);
            let is_admin = user.role == Role::Admin;
            // The admin's comments are never held: no need to read the setting for them.
            let hold = !is_admin && db::site::hold_comments(&state.db).await.map_err(db_err)?;
            let status = CommentStatus::for_new_comment(hold, is_admin);
            if guard::caught_by_honeypot("comment", &website) {
                land_on_comments(&slug, status);
                return Ok(status);
            }
            let limit = rate_limit::Policy {
                free: i64::from(state.site.comments_per_hour),
                ..rate_limit::COMMENT_PER_ACCOUNT
            };
            let account = user.id.to_string();
            if !is_admin {
                if let Some(wait) = limit.check(&state.db, &account).await.map_err(db_err)? {
                    return Err(AppError::TooManyRequests(rate_limit::retry_message(
                        "You have posted many comments in a short time.",
                        wait,
                    )));
                }
            }
            match db::comments::create(&state.db, &slug, user.id, &text, status).await {
                Ok(Some(_)) => {
                    // The comment is saved: failing to count it must not tell the reader it
                    // was not (they would post it again).
                    if !is_admin {
                        if let Err(e) = limit.record(&state.db, &account).await {
                            tracing::warn!(error = %e, "could not count a comment for its rate limit");
                        }
                    }
                    land_on_comments(&slug, status);
                    Ok(status)
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

/// After a comment is sent: the post's newest comments, where it is, with a note when it
/// waits for approval (`?held=1`).
#[cfg(feature = "ssr")]
fn land_on_comments(slug: &str, status: CommentStatus) {
    let held = if status == CommentStatus::Pending {
        "?held=1"
    } else {
        ""
    };
    super::guard::land_on(&format!("/posts/{slug}{held}#comments-title"));
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
