//! Writing posts: admin only.

// One argument per editor field: plain HTML forms post fields by name, and the server
// function macro generates a client function with the same arguments.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::domain::PostDraft;
use crate::error::AppError;

/// Publishes a new post (now, later, or not yet: a draft) and opens it. `status` and
/// `publish_at` may be left out: the post is published now.
#[server(endpoint = "posts/create")]
pub async fn create_post(
    title: String,
    subtitle: String,
    cover_url: String,
    body: String,
    status: Option<String>,
    publish_at: Option<String>,
    tags: Option<String>,
    email_subscribers: Option<String>,
) -> Result<(), AppError> {
    use crate::service::editor::{self, Typed};
    super::guard::serve(async |state, caller| {
        let typed = Typed {
            email_subscribers: email_subscribers.as_deref().unwrap_or_default(),
            title: &title,
            subtitle: &subtitle,
            cover_url: &cover_url,
            body: &body,
            status: status.as_deref().unwrap_or_default(),
            publish_at: publish_at.as_deref().unwrap_or_default(),
            tags: tags.as_deref().unwrap_or_default(),
        };
        let slug = editor::create(state, caller, &typed).await?;
        super::guard::land_on(&format!("/posts/{}", slug.as_str()));
        Ok(())
    })
    .await
}

/// Saves changes to the post at `slug` (its address stays the same) and opens it.
#[server(endpoint = "posts/update")]
pub async fn update_post(
    slug: String,
    title: String,
    subtitle: String,
    cover_url: String,
    body: String,
    status: Option<String>,
    publish_at: Option<String>,
    tags: Option<String>,
    email_subscribers: Option<String>,
) -> Result<(), AppError> {
    use crate::service::editor::{self, Typed};
    super::guard::serve(async |state, caller| {
        let typed = Typed {
            email_subscribers: email_subscribers.as_deref().unwrap_or_default(),
            title: &title,
            subtitle: &subtitle,
            cover_url: &cover_url,
            body: &body,
            status: status.as_deref().unwrap_or_default(),
            publish_at: publish_at.as_deref().unwrap_or_default(),
            tags: tags.as_deref().unwrap_or_default(),
        };
        editor::update(state, caller, &slug, &typed).await?;
        super::guard::land_on(&format!("/posts/{slug}"));
        Ok(())
    })
    .await
}

/// Deletes the post at `slug` and its comments, then goes home.
#[server(endpoint = "posts/delete")]
pub async fn delete_post(slug: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::editor::delete(state, caller, &slug).await?;
        super::guard::land_on("/");
        Ok(())
    })
    .await
}

/// The post at `slug` as the editor shows it.
#[server(endpoint = "posts/draft")]
pub async fn load_post_draft(slug: String) -> Result<PostDraft, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::editor::draft(state, caller, &slug).await
    })
    .await
}

/// The body rendered as it will appear, for the editor's live preview. `format` is `html`
/// for a post imported from a Flask blog; anything else is Markdown.
#[server(endpoint = "posts/preview")]
pub async fn preview_post(body: String, format: Option<String>) -> Result<String, AppError> {
    super::guard::serve(async |_, caller| {
        crate::service::editor::preview(caller, &body, format.as_deref().unwrap_or_default())
    })
    .await
}
