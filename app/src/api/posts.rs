use leptos::prelude::*;

use crate::domain::{AuthorPosts, PostPage, TaggedPosts};
use crate::error::AppError;

/// One page of published posts, newest first.
#[server(endpoint = "list_posts")]
pub async fn list_posts(page: u32) -> Result<PostPage, AppError> {
    use super::guard;
    use crate::{db, domain::PageNumber};

    guard::respond(
        async {
            let state = guard::state()?;
            db::posts::list_published(
                &state.db,
                PageNumber::new(page),
                state.site.page_size,
                db::now(),
                db::posts::Listing::All,
            )
            .await
            .map_err(|e| AppError::from_db("listing posts", e))
        }
        .await,
    )
}

/// One page of the published posts tagged `tag` (its address form), newest first, with the
/// tag's name. An unknown tag is a 404.
#[server(endpoint = "tags/posts")]
pub async fn list_tagged_posts(tag: String, page: u32) -> Result<TaggedPosts, AppError> {
    use super::guard;
    use crate::{db, domain::is_tag_slug, domain::PageNumber};

    guard::respond(
        async {
            let state = guard::state()?;
            let not_found = || AppError::NotFound("There is no such tag.".into());
            if !is_tag_slug(&tag) {
                return Err(not_found());
            }
            let db_err = |e| AppError::from_db("listing a tag's posts", e);
            let found = db::tags::by_slug(&state.db, &tag)
                .await
                .map_err(db_err)?
                .ok_or_else(not_found)?;
            let posts = db::posts::list_published(
                &state.db,
                PageNumber::new(page),
                state.site.page_size,
                db::now(),
                db::posts::Listing::Tagged(&found.slug),
            )
            .await
            .map_err(db_err)?;
            Ok(TaggedPosts { tag: found, posts })
        }
        .await,
    )
}

/// One page of the published posts by the author `author` (a user id), newest first, with
/// their name. Someone who has published nothing has no author page: 404.
#[server(endpoint = "authors/posts")]
pub async fn list_author_posts(author: i64, page: u32) -> Result<AuthorPosts, AppError> {
    use super::guard;
    use crate::{db, domain::PageNumber};

    guard::respond(
        async {
            let state = guard::state()?;
            let db_err = |e| AppError::from_db("listing an author's posts", e);
            let name = db::posts::author_name(&state.db, author, db::now())
                .await
                .map_err(db_err)?
                .ok_or_else(|| AppError::NotFound("There is no such author.".into()))?;
            let posts = db::posts::list_published(
                &state.db,
                PageNumber::new(page),
                state.site.page_size,
                db::now(),
                db::posts::Listing::By(author),
            )
            .await
            .map_err(db_err)?;
            Ok(AuthorPosts { name, posts })
        }
        .await,
    )
}
