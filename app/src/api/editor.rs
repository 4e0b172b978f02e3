//! Writing posts: for contributors, authors, editors and admins (see `service::editor`).

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
    coauthors: Option<String>,
    series: Option<String>,
    part: Option<String>,
) -> Result<(), AppError> {
    use crate::service::editor::{self, Typed};
    super::guard::serve(async |state, caller| {
        let typed = Typed {
            coauthors: coauthors.as_deref().unwrap_or_default(),
            series: series.as_deref().unwrap_or_default(),
            part: part.as_deref().unwrap_or_default(),
            email_subscribers: email_subscribers.as_deref().unwrap_or_default(),
            title: &title,
            subtitle: &subtitle,
            cover_url: &cover_url,
            body: &body,
            status: status.as_deref().unwrap_or_default(),
            publish_at: publish_at.as_deref().unwrap_or_default(),
            tags: tags.as_deref().unwrap_or_default(),
            revision: "",
        };
        let slug = editor::create(state, caller, &typed).await?;
        super::guard::land_on(&format!("/posts/{}", slug.as_str()));
        Ok(())
    })
    .await
}

/// Saves changes to the post at `slug` (its address stays the same) and opens it. `revision`
/// is the one the edit started from: the save is refused if the post was saved since (left
/// out, it is not checked).
#[server(endpoint = "posts/update")]
pub async fn update_post(
    slug: String,
    revision: Option<String>,
    title: String,
    subtitle: String,
    cover_url: String,
    body: String,
    status: Option<String>,
    publish_at: Option<String>,
    tags: Option<String>,
    email_subscribers: Option<String>,
    coauthors: Option<String>,
    series: Option<String>,
    part: Option<String>,
) -> Result<(), AppError> {
    use crate::service::editor::{self, Typed};
    super::guard::serve(async |state, caller| {
        let typed = Typed {
            coauthors: coauthors.as_deref().unwrap_or_default(),
            series: series.as_deref().unwrap_or_default(),
            part: part.as_deref().unwrap_or_default(),
            email_subscribers: email_subscribers.as_deref().unwrap_or_default(),
            title: &title,
            subtitle: &subtitle,
            cover_url: &cover_url,
            body: &body,
            status: status.as_deref().unwrap_or_default(),
            publish_at: publish_at.as_deref().unwrap_or_default(),
            tags: tags.as_deref().unwrap_or_default(),
            revision: revision.as_deref().unwrap_or_default(),
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

/// An empty editor for a new post, with the caller's unsaved text of one, if any.
#[server(endpoint = "posts/new-draft")]
pub async fn load_new_post_draft() -> Result<PostDraft, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::editor::new_draft(state, caller).await
    })
    .await
}

/// Keeps a copy of what the editor shows, as the caller's own draft copy of the post at
/// `slug` (empty: a new post). Returns when, for the editor's status line. The editor calls
/// it every few seconds while the text changes, and when its tab is hidden.
#[server(endpoint = "posts/autosave")]
pub async fn autosave_post(
    slug: String,
    revision: Option<String>,
    title: String,
    subtitle: String,
    cover_url: String,
    tags: String,
    body: String,
) -> Result<String, AppError> {
    use crate::service::autosave::{self, Typed};
    super::guard::serve(async |state, caller| {
        let typed = Typed {
            slug: &slug,
            revision: revision.as_deref().unwrap_or_default(),
            title: &title,
            subtitle: &subtitle,
            cover_url: &cover_url,
            tags: &tags,
            body: &body,
        };
        autosave::keep(state, caller, &typed).await
    })
    .await
}

/// Drops the caller's draft copy of the post at `slug` (empty: a new post) and goes back to
/// the editor.
#[server(endpoint = "posts/autosave/discard")]
pub async fn discard_autosave(slug: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::autosave::discard(state, caller, &slug).await?;
        super::guard::land_on(&if slug.is_empty() {
            "/admin/posts/new".to_owned()
        } else {
            format!("/posts/{slug}/edit")
        });
        Ok(())
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

/// The caller's posts — or, for editors and admins, everyone's — for the writers' list.
#[server(endpoint = "posts/desk")]
pub async fn desk() -> Result<crate::domain::Desk, AppError> {
    super::guard::serve(async |state, caller| crate::service::desk::desk(state, caller).await).await
}
