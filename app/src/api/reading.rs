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
    use crate::service::reading::{self, PostRequest};
    super::guard::serve(async |state, caller| {
        let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok();
        let host = headers
            .as_ref()
            .and_then(|h| h.get(axum::http::header::HOST));
        let request = PostRequest {
            slug: &slug,
            preview: preview.as_deref(),
            comments,
            host: host.and_then(|h| h.to_str().ok()),
        };
        reading::post(state, caller, &request).await
    })
    .await
}

/// Adds the logged-in user's comment to the post at `slug`, and answers with its status:
/// `Pending` when it waits for the admin's approval. `website` is the honeypot: a form that
/// fills it is answered like any other and stored nowhere. `parent`, when given, is the
/// comment it replies to.
#[server(endpoint = "comments/add")]
pub async fn add_comment(
    slug: String,
    body: String,
    #[server(default)] website: String,
    #[server(default)] parent: String,
) -> Result<CommentStatus, AppError> {
    super::guard::serve(async |state, caller| {
        use crate::service::comments;
        let status = comments::add(state, caller, &slug, &body, &website, &parent).await?;
        // The post's newest comments, where it is, with a note when it awaits approval.
        let held = if status == CommentStatus::Pending {
            "?held=1"
        } else {
            ""
        };
        super::guard::land_on(&format!("/posts/{slug}{held}#comments-title"));
        Ok(status)
    })
    .await
}

/// Deletes a comment: its author or the admin may.
#[server(endpoint = "comments/delete")]
pub async fn delete_comment(id: i64) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::comments::delete(state, caller, id).await
    })
    .await
}

/// Whether the logged-in user is mailed replies to their comments.
#[server(endpoint = "account/notifications")]
pub async fn reply_notifications() -> Result<bool, AppError> {
    super::guard::serve(async |state, caller| crate::service::replies::wanted(state, caller).await)
        .await
}

/// Turns the logged-in user's reply mail on (`replies` is `on`) or off.
#[server(endpoint = "account/notifications/set")]
pub async fn set_reply_notifications(#[server(default)] replies: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::replies::set_wanted(state, caller, &replies).await?;
        super::guard::land_on("/account?saved=notifications#notifications");
        Ok(())
    })
    .await
}

/// The series at `slug`: its published parts, in order.
#[server(endpoint = "series/get")]
pub async fn get_series(slug: String) -> Result<crate::domain::SeriesPage, AppError> {
    super::guard::serve(async |state, _| crate::service::reading::series(state, &slug).await).await
}
