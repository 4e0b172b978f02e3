//! Writing posts: admin only.

use leptos::prelude::*;

use crate::domain::PostDraft;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod parse {
    use crate::domain::{parse_body, parse_cover_url, parse_subtitle, PostTitle};
    use crate::error::{AppError, FormErrors};

    pub struct PostFields {
        pub title: PostTitle,
        pub subtitle: String,
        pub cover_url: Option<String>,
        pub body: String,
    }

    /// Parses the editor's fields, reporting every bad one at once and echoing them all.
    pub fn post_fields(
        title: &str,
        subtitle: &str,
        cover_url: &str,
        body: &str,
    ) -> Result<PostFields, AppError> {
        let mut form = FormErrors::default();
        let parsed = (
            form.check("title", PostTitle::parse(title)),
            form.check("subtitle", parse_subtitle(subtitle)),
            form.check("cover_url", parse_cover_url(cover_url)),
            form.check("body", parse_body(body)),
        );
        match parsed {
            (Some(title), Some(subtitle), Some(cover_url), Some(body)) => Ok(PostFields {
                title,
                subtitle,
                cover_url,
                body,
            }),
            _ => Err(form.into_error(&echo(title, subtitle, cover_url, body))),
        }
    }

    pub fn echo<'a>(
        title: &'a str,
        subtitle: &'a str,
        cover_url: &'a str,
        body: &'a str,
    ) -> [(&'static str, &'a str); 4] {
        [
            ("title", title),
            ("subtitle", subtitle),
            ("cover_url", cover_url),
            ("body", body),
        ]
    }

    pub fn duplicate_title(echoed: &[(&str, &str)]) -> AppError {
        AppError::conflict(
            "title",
            "A post with this title exists already. Choose another title.",
        )
        .with_values(echoed)
    }
}

/// Publishes a new post and opens it.
#[server(endpoint = "posts/create")]
pub async fn create_post(
    title: String,
    subtitle: String,
    cover_url: String,
    body: String,
) -> Result<(), AppError> {
    use super::guard;
    use crate::db::{self, posts::CreatePostError, posts::NewPost};

    guard::respond(
        async {
            let state = guard::state()?;
            let admin = guard::require_admin().await?;
            let fields = parse::post_fields(&title, &subtitle, &cover_url, &body)?;
            let post = NewPost {
                author_id: admin.id,
                title: &fields.title,
                subtitle: &fields.subtitle,
                body: &fields.body,
                cover_url: fields.cover_url.as_deref(),
                published_at: Some(db::now()),
            };
            match db::posts::create(&state.db, &post).await {
                Ok(created) => {
                    leptos_axum::redirect(&format!("/posts/{}", created.slug.as_str()));
                    Ok(())
                }
                Err(CreatePostError::DuplicateTitle) => Err(parse::duplicate_title(&parse::echo(
                    &title, &subtitle, &cover_url, &body,
                ))),
                Err(CreatePostError::Db(e)) => Err(AppError::from_db("creating a post", e)),
            }
        }
        .await,
    )
}

/// Saves changes to the post at `slug` (its address stays the same) and opens it.
#[server(endpoint = "posts/update")]
pub async fn update_post(
    slug: String,
    title: String,
    subtitle: String,
    cover_url: String,
    body: String,
) -> Result<(), AppError> {
    use super::guard;
    use crate::db::{self, posts::CreatePostError, posts::PostChanges};

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            let fields = parse::post_fields(&title, &subtitle, &cover_url, &body)?;
            let changes = PostChanges {
                title: &fields.title,
                subtitle: &fields.subtitle,
                body: &fields.body,
                cover_url: fields.cover_url.as_deref(),
            };
            match db::posts::update(&state.db, &slug, &changes).await {
                Ok(true) => {
                    leptos_axum::redirect(&format!("/posts/{slug}"));
                    Ok(())
                }
                Ok(false) => Err(AppError::NotFound("There is no such post.".into())),
                Err(CreatePostError::DuplicateTitle) => Err(parse::duplicate_title(&parse::echo(
                    &title, &subtitle, &cover_url, &body,
                ))),
                Err(CreatePostError::Db(e)) => Err(AppError::from_db("updating a post", e)),
            }
        }
        .await,
    )
}

/// Deletes the post at `slug` and its comments, then goes home.
#[server(endpoint = "posts/delete")]
pub async fn delete_post(slug: String) -> Result<(), AppError> {
    use super::guard;
    use crate::db;

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            match db::posts::delete(&state.db, &slug).await {
                Ok(true) => {
                    leptos_axum::redirect("/");
                    Ok(())
                }
                Ok(false) => Err(AppError::NotFound("There is no such post.".into())),
                Err(e) => Err(AppError::from_db("deleting a post", e)),
            }
        }
        .await,
    )
}

/// The post at `slug` as the editor shows it.
#[server(endpoint = "posts/draft")]
pub async fn load_post_draft(slug: String) -> Result<PostDraft, AppError> {
    use super::guard;
    use crate::db;

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            match db::posts::by_slug(&state.db, &slug).await {
                Ok(Some(post)) => Ok(PostDraft {
                    slug: post.slug,
                    title: post.title,
                    subtitle: post.subtitle,
                    cover_url: post.cover_url.unwrap_or_default(),
                    body: post.body,
                }),
                Ok(None) => Err(AppError::NotFound("There is no such post.".into())),
                Err(e) => Err(AppError::from_db("loading a post", e)),
            }
        }
        .await,
    )
}

/// The body rendered as it will appear, for the editor's live preview.
#[server(endpoint = "posts/preview")]
pub async fn preview_post(body: String) -> Result<String, AppError> {
    use super::guard;

    guard::respond(
        async {
            guard::require_admin().await?;
            crate::domain::check_body_length(&body).map_err(|m| AppError::invalid("body", m))?;
            Ok(crate::render::post_html(&body))
        }
        .await,
    )
}
