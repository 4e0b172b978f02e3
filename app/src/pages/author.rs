use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::NotFound;
use crate::api::list_author_posts;
use crate::components::{PageTitle, PostList};
use crate::domain::{author_href, PageNumber};
use crate::error::AppError;

/// `/authors/<id>`: an author's published posts, newest first, a page at a time.
#[component]
pub fn AuthorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // Anything but a number is no author (id 0 never exists).
    let author = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let page = move || PageNumber::parse(query.read().get("page").as_deref()).get();
    let listing = Resource::new(
        move || (author(), page()),
        |(author, page)| list_author_posts(author, page),
    );

    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading posts…"</p> }>
            {move || Suspend::new(async move {
                match listing.await {
                    Ok(found) => {
                        let name = found.name.clone();
                        view! {
                            <PageTitle text=format!("Posts by {name}")/>
                            <Meta name="description" content=format!("Posts on this blog by {name}.")/>
                            <section class="home" aria-labelledby="author-title">
                                <h1 id="author-title">"Posts by " {name}</h1>
                                <PostList page=found.posts base=author_href(author())/>
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
