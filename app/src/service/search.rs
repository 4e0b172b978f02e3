//! Searching published posts. Anyone may; the query is reduced to words first
//! (`SearchQuery`), so no input is an error page — an empty one is a field message.

use crate::db;
use crate::domain::{marked_html, PageNumber, SearchHit, SearchPage, SearchQuery};
use crate::error::AppError;
use crate::state::AppState;

/// Published posts containing every word of `q`, best match first, a page at a time.
pub async fn search(state: &AppState, q: &str, page: u32) -> Result<SearchPage, AppError> {
    let query =
        SearchQuery::parse(q).map_err(|m| AppError::invalid("q", m).with_values(&[("q", q)]))?;
    let page = PageNumber::new(page);
    let per_page = state.site.page_size;
    // One more than a page tells whether there is a next one.
    let found = db::search::posts(
        &state.db,
        &query,
        db::now(),
        per_page + 1,
        page.offset(per_page),
    )
    .await
    .map_err(|e| AppError::from_db("searching posts", e))?;
    let has_more = found.len() > per_page as usize;
    let hits = found
        .into_iter()
        .take(per_page as usize)
        .map(|f| SearchHit {
            title_html: marked_html(&f.title),
            snippet_html: marked_html(&f.snippet),
            slug: f.slug,
            author_name: f.author_name,
            published_at: f.published_at,
        })
        .collect();
    Ok(SearchPage {
        hits,
        page: page.get(),
        has_more,
    })
}
