//! Writing posts: admin only.

// One argument per editor field: plain HTML forms post fields by name, and the server
// function macro generates a client function with the same arguments.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::domain::PostDraft;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod parse {
    use crate::domain::{
        parse_body, parse_cover_url, parse_subtitle, parse_tags, PostTitle, Publication, Tag,
    };
    use crate::error::{AppError, FormErrors};

    pub struct PostFields {
        pub title: PostTitle,
        pub subtitle: String,
        pub cover_url: Option<String>,
        pub body: String,
        pub publication: Publication,
        pub tags: Vec<Tag>,
    }

    /// The editor's fields as typed.
    pub struct Typed<'a> {
        pub title: &'a str,
        pub subtitle: &'a str,
        pub cover_url: &'a str,
        pub body: &'a str,
        pub status: &'a str,
        pub publish_at: &'a str,
        pub tags: &'a str,
    }

    /// Parses the editor's fields, reporting every bad one at once and echoing them all.
    pub fn post_fields(typed: &Typed) -> Result<PostFields, AppError> {
        let mut form = FormErrors::default();
        let parsed = (
            form.check("title", PostTitle::parse(typed.title)),
            form.check("subtitle", parse_subtitle(typed.subtitle)),
            form.check("cover_url", parse_cover_url(typed.cover_url)),
            form.check("body", parse_body(typed.body)),
            form.check(
                "publish_at",
                Publication::parse(typed.status, typed.publish_at),
            ),
            form.check("tags", parse_tags(typed.tags)),
        );
        match parsed {
            (
                Some(title),
                Some(subtitle),
                Some(cover_url),
                Some(body),
                Some(publication),
                Some(tags),
            ) => Ok(PostFields {
                title,
                subtitle,
                cover_url,
                body,
                publication,
                tags,
            }),
            _ => Err(form.into_error(&echo(typed))),
        }
    }

    pub fn echo<'a>(typed: &Typed<'a>) -> [(&'static str, &'a str); 7] {
        [
            ("title", typed.title),
            ("subtitle", typed.subtitle),
            ("cover_url", typed.cover_url),
            ("body", typed.body),
            ("status", typed.status),
            ("publish_at", typed.publish_at),
            ("tags", typed.tags),
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
) -> Result<(), AppError> {
    use super::guard;
    use crate::db::{self, posts::CreatePostError, posts::NewPost};
    use crate::domain::Publication;

    guard::respond(
        async {
            let state = guard::state()?;
            let admin = guard::require_admin().await?;
            let typed = parse::Typed {
                title: &title,
                subtitle: &subtitle,
                cover_url: &cover_url,
                body: &body,
                status: status.as_deref().unwrap_or_default(),
                publish_at: publish_at.as_deref().unwrap_or_default(),
                tags: tags.as_deref().unwrap_or_default(),
            };
            let fields = parse::post_fields(&typed)?;
            let post = NewPost {
                author_id: admin.id,
                tags: &fields.tags,
                title: &fields.title,
                subtitle: &fields.subtitle,
                body: &fields.body,
                cover_url: fields.cover_url.as_deref(),
                published_at: match fields.publication {
                    Publication::Published => Some(db::now()),
                    Publication::Draft => None,
                    Publication::Scheduled(at) => Some(at),
                },
            };
            match db::posts::create(&state.db, &post).await {
                Ok(created) => {
                    guard::land_on(&format!("/posts/{}", created.slug.as_str()));
                    Ok(())
                }
                Err(CreatePostError::DuplicateTitle) => {
                    Err(parse::duplicate_title(&parse::echo(&typed)))
                }
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
    status: Option<String>,
    publish_at: Option<String>,
    tags: Option<String>,
) -> Result<(), AppError> {
    use super::guard;
    use crate::db::{self, posts::CreatePostError, posts::PostChanges};

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            let typed = parse::Typed {
                title: &title,
                subtitle: &subtitle,
                cover_url: &cover_url,
                body: &body,
                status: status.as_deref().unwrap_or_default(),
                publish_at: publish_at.as_deref().unwrap_or_default(),
                tags: tags.as_deref().unwrap_or_default(),
            };
            let fields = parse::post_fields(&typed)?;
            let changes = PostChanges {
                title: &fields.title,
                subtitle: &fields.subtitle,
                body: &fields.body,
                cover_url: fields.cover_url.as_deref(),
                publication: fields.publication,
                tags: &fields.tags,
            };
            match db::posts::update(&state.db, &slug, &changes).await {
                Ok(Some(_)) => {
                    guard::land_on(&format!("/posts/{slug}"));
                    Ok(())
                }
                Ok(None) => Err(AppError::NotFound("There is no such post.".into())),
                Err(CreatePostError::DuplicateTitle) => {
                    Err(parse::duplicate_title(&parse::echo(&typed)))
                }
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
                    guard::land_on("/");
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
    use crate::domain::{format_publish_at, tags_field, PostStatus};

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            match db::posts::by_slug(&state.db, &slug).await {
                Ok(Some(post)) => {
                    let tags = db::tags::for_post(&state.db, post.id)
                        .await
                        .map_err(|e| AppError::from_db("loading a post's tags", e))?;
                    let status = PostStatus::of(post.published_at, db::now());
                    Ok(PostDraft {
                        slug: post.slug,
                        title: post.title,
                        subtitle: post.subtitle,
                        cover_url: post.cover_url.unwrap_or_default(),
                        body: post.body,
                        body_format: post.body_format,
                        status: status.as_str().to_owned(),
                        publish_at: match (status, post.published_at) {
                            (PostStatus::Scheduled, Some(at)) => format_publish_at(at),
                            _ => String::new(),
                        },
                        tags: tags_field(&tags),
                    })
                }
                Ok(None) => Err(AppError::NotFound("There is no such post.".into())),
                Err(e) => Err(AppError::from_db("loading a post", e)),
            }
        }
        .await,
    )
}

/// The body rendered as it will appear, for the editor's live preview. `format` is `html`
/// for a post imported from a Flask blog; anything else is Markdown.
#[server(endpoint = "posts/preview")]
pub async fn preview_post(body: String, format: Option<String>) -> Result<String, AppError> {
    use super::guard;
    use crate::domain::BodyFormat;

    guard::respond(
        async {
            guard::require_admin().await?;
            crate::domain::check_body_length(&body).map_err(|m| AppError::invalid("body", m))?;
            let format = BodyFormat::parse(format.as_deref().unwrap_or_default());
            Ok(crate::render::post_body_html(&body, format))
        }
        .await,
    )
}
