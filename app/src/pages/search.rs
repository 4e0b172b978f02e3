use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::api::search_posts;
use crate::components::PageTitle;
use crate::domain::{PageNumber, SearchHit, SearchPage as Results, SearchQuery};
use crate::error::AppError;

/// `/search?q=…&page=…`: published posts matching the words of `q`, best first, with the
/// matches marked. The search box is in the header of every page.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let page = move || PageNumber::parse(query.read().get("page").as_deref()).get();
    // Words or not is decided here too (the same rule as the server's), so a query without
    // any is a hint on an ordinary page, not a failed request.
    let results = Resource::new(
        move || (q(), page()),
        |(q, page)| async move {
            match SearchQuery::parse(&q) {
                Ok(_) => search_posts(q, page).await,
                Err(message) => Err(AppError::invalid("q", message)),
            }
        },
    );
    let heading = move || match q().trim() {
        "" => "Search".to_owned(),
        words => format!("Results for “{words}”"),
    };

    view! {
        <PageTitle text="Search"/>
        // Result pages are many and thin: keep them out of search engines.
        <Meta name="robots" content="noindex"/>
        <section class="search" aria-labelledby="search-title">
            <h1 id="search-title">{heading}</h1>
            <Transition fallback=|| view! { <p class="progress" role="status">"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(found) if found.hits.is_empty() => view! {
                            <p class="hint" role="status">"No posts match your search. Try fewer or other words."</p>
                        }
                        .into_any(),
                        Ok(found) => view! { <ResultList found q=q()/> }.into_any(),
                        // An empty query or an unavailable database: the message says which.
                        Err(err) => view! { <p class="hint" role="status">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ResultList(found: Results, q: String) -> impl IntoView {
    let link = |page: u32| {
        format!(
            "/search?q={}&page={page}",
            crate::domain::encode_query_value(&q)
        )
    };
    let newer = (found.page > 1).then(|| link(found.page - 1));
    let older = found.has_more.then(|| link(found.page + 1));
    view! {
        <ol class="search-results">
            {found.hits.into_iter().map(|hit| view! { <Hit hit/> }).collect_view()}
        </ol>
        <nav class="pager" aria-label="Search results pages">
            {newer.map(|href| view! { <a href=href rel="prev">"← Better matches"</a> })}
            {older.map(|href| view! { <a href=href rel="next">"More results →"</a> })}
        </nav>
    }
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    let date = hit.published_at.format("%B %-d, %Y").to_string();
    view! {
        <li class="search-hit">
            // Both are escaped text with only `<mark>` added (`domain::marked_html`).
            <h2><a href=format!("/posts/{}", hit.slug) inner_html=hit.title_html></a></h2>
            <p class="snippet" inner_html=hit.snippet_html></p>
            <p class="post-meta">"By " {hit.author_name} " on " {date}</p>
        </li>
    }
}
