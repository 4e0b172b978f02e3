use leptos::prelude::*;
use leptos_meta::Meta;

use crate::components::PageTitle;

/// Shown for any address that is not a page of the blog, with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text="Page not found"/>
        <Meta name="description" content="There is nothing at this address."/>
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p><a href="/">"Go to the home page"</a></p>
        </section>
    }
}
