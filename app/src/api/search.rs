use leptos::prelude::*;

use crate::domain::SearchPage;
use crate::error::AppError;

/// Published posts containing every word of `q`, best match first, a page at a time.
#[server(endpoint = "search")]
pub async fn search_posts(q: String, page: u32) -> Result<SearchPage, AppError> {
    super::guard::serve(async |state, _| crate::service::search::search(state, &q, page).await)
        .await
}
