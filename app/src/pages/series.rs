use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use crate::api::get_series;
use crate::components::PageTitle;
use crate::error::AppError;

/// A series (`/series/:slug`): its published parts, in order.
#[component]
pub fn SeriesPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let series = Resource::new(slug, get_series);
    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match series.await {
                    Ok(series) => {
                        let count = series.parts.len();
                        view! {
                            <PageTitle text=series.title.clone()/>
                            <Meta name="description" content=format!("{}: a series in {count} parts.", series.title)/>
                            <section class="wide-page">
                                <h1>{series.title}</h1>
                                <p class="note">{format!("A series in {count} part{}.", if count == 1 { "" } else { "s" })}</p>
                                <ol class="series-parts">
                                    {series.parts.into_iter().map(|p| view! {
                                        <li><a href=format!("/posts/{}", p.slug)>{p.title}</a></li>
                                    }).collect_view()}
                                </ol>
                            </section>
                        }.into_any()
                    }
                    Err(AppError::NotFound(_)) => view! { <super::NotFound/> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
