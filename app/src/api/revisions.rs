//! A post's revisions: admin only.

use leptos::prelude::*;

use crate::domain::{RevisionList, RevisionView};
use crate::error::AppError;

/// The post at `slug`'s kept revisions, newest first.
#[server(endpoint = "posts/revisions")]
pub async fn list_revisions(slug: String) -> Result<RevisionList, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::revisions::list(state, caller, &slug).await
    })
    .await
}

/// Revision `number` of the post at `slug`, beside the post as it is.
#[server(endpoint = "posts/revision")]
pub async fn load_revision(slug: String, number: i64) -> Result<RevisionView, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::revisions::view(state, caller, &slug, number).await
    })
    .await
}

/// Makes revision `number` of the post at `slug` its text again, as a new revision, and
/// opens the post. `revision` is the post's revision the comparison showed: if the post was
/// saved since, this is refused.
#[server(endpoint = "posts/revisions/restore")]
pub async fn restore_revision(slug: String, number: i64, revision: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::revisions::restore(state, caller, &slug, number, &revision).await?;
        super::guard::land_on(&format!("/posts/{slug}"));
        Ok(())
    })
    .await
}
