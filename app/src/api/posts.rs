use leptos::prelude::*;

use crate::domain::PostPage;
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
            )
            .await
            .map_err(|e| AppError::from_db("listing posts", e))
        }
        .await,
    )
}
