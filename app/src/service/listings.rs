//! Lists of published posts, newest first, a page at a time: the home page, a tag's page and
//! an author's page. Posts scheduled later are not in them until their time comes.

use crate::db::{self, posts::Listing};
use crate::domain::{is_tag_slug, AuthorPosts, PageNumber, PostPage, TaggedPosts};
use crate::error::AppError;
use crate::state::AppState;

async fn page(state: &AppState, page: u32, listing: Listing<'_>) -> Result<PostPage, sqlx::Error> {
    db::posts::list_published(
        &state.db,
        PageNumber::new(page),
        state.site.page_size,
        db::now(),
        listing,
    )
    .await
}

pub async fn home(state: &AppState, number: u32) -> Result<PostPage, AppError> {
    page(state, number, Listing::All)
        .await
        .map_err(|e| AppError::from_db("listing posts", e))
}

/// The posts tagged `tag` (its address form), with the tag's name; an unknown tag is a 404.
pub async fn tagged(state: &AppState, tag: &str, number: u32) -> Result<TaggedPosts, AppError> {
    let not_found = || AppError::NotFound("There is no such tag.".into());
    if !is_tag_slug(tag) {
        return Err(not_found());
    }
    let db_err = |e| AppError::from_db("listing a tag's posts", e);
    let found = db::tags::by_slug(&state.db, tag)
        .await
        .map_err(db_err)?
        .ok_or_else(not_found)?;
    let posts = page(state, number, Listing::Tagged(&found.slug))
        .await
        .map_err(db_err)?;
    Ok(TaggedPosts { tag: found, posts })
}

/// The posts by user `author`, with their name. Someone who has published nothing has no
/// author page (a 404), so these pages cannot be used to list readers.
pub async fn by_author(
    state: &AppState,
    author: i64,
    number: u32,
) -> Result<AuthorPosts, AppError> {
    let db_err = |e| AppError::from_db("listing an author's posts", e);
    let name = db::posts::author_name(&state.db, author, db::now())
        .await
        .map_err(db_err)?
        .ok_or_else(|| AppError::NotFound("There is no such author.".into()))?;
    let posts = page(state, number, Listing::By(author))
        .await
        .map_err(db_err)?;
    Ok(AuthorPosts { name, posts })
}
