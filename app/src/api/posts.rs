use leptos::prelude::*;

use crate::domain::{AuthorPosts, PostPage, TaggedPosts};
use crate::error::AppError;

/// One page of published posts, newest first.
#[server(endpoint = "list_posts")]
pub async fn list_posts(page: u32) -> Result<PostPage, AppError> {
    super::guard::serve(async |state, _| crate::service::listings::home(state, page).await).await
}

/// One page of the published posts tagged `tag` (its address form), newest first, with the
/// tag's name. An unknown tag is a 404.
#[server(endpoint = "tags/posts")]
pub async fn list_tagged_posts(tag: String, page: u32) -> Result<TaggedPosts, AppError> {
    super::guard::serve(async |state, _| crate::service::listings::tagged(state, &tag, page).await)
        .await
}

/// One page of the published posts by the author `author` (a user id), newest first, with
/// their name. Someone who has published nothing has no author page: 404.
#[server(endpoint = "authors/posts")]
pub async fn list_author_posts(author: i64, page: u32) -> Result<AuthorPosts, AppError> {
    super::guard::serve(async |state, _| {
        crate::service::listings::by_author(state, author, page).await
    })
    .await
}
