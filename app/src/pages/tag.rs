use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::NotFound;
use crate::api::list_tagged_posts;
use crate::components::{PageTitle, PostList};
use crate::domain::PageNumber;
use crate::error::AppError;

/// `/tags/<tag>`: the published posts carrying a tag, newest first, a page at a time, with
/// the tag's own feeds.
#[component]
pub fn TagPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let tag = move || params.read().get("tag").unwrap_or_default();
    let page = move || PageNumber::parse(query.read().get("page").as_deref()).get();
    let listing = Resource::new(
        move || (tag(), page()),
        |(tag, page)| list_tagged_posts(tag, page),
    );

    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading posts…"</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(found) => {
                        let base = found.tag.href();
                        let name = found.tag.name.clone();
                        view! {
                            <PageTitle text=format!("Posts tagged “{name}”")/>
                            <Meta name="description" content=format!("Posts on this blog tagged “{name}”.")/>
                            <Link rel="alternate" type_="application/atom+xml" title=format!("Quire: {name} (Atom)") href=format!("{base}/feed.xml")/>
                            <Link rel="alternate" type_="application/rss+xml" title=format!("Quire: {name} (RSS)") href=format!("{base}/rss.xml")/>
                            <section class="home" aria-labelledby="tag-title">
                                <h1 id="tag-title">"Posts tagged “" {name} "”"</h1>
                                <p class="feed-links">
                                    <a href=format!("{base}/feed.xml")>"Atom feed"</a>
                                    " · "
                                    <a href=format!("{base}/rss.xml")>"RSS feed"</a>
                                </p>
                                <PostList page=found.posts base/>
                            </section>
                        }
                        .into_any()
                    }
                    Err(AppError::NotFound(_)) => view! { <NotFound/> }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
