use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::api::list_posts;
use crate::components::{PostList, SubscribeForm};
use crate::domain::PageNumber;

/// The home page: published posts, newest first, a page at a time.
#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let page = move || PageNumber::parse(query.read().get("page").as_deref());
    let posts = Resource::new(move || page().get(), list_posts);

    view! {
        <Title text="Quire"/>
        <Meta name="description" content="The latest posts on this blog."/>
        <section class="home" aria-labelledby="home-title">
            <h1 id="home-title">"Latest posts"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match posts.await {
                        Ok(page) => view! { <PostList page/> }.into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <SubscribeForm/>
    }
}
