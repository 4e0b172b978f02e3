use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use super::Restricted;
use crate::api::{
    get_page, list_pages, load_page_draft, CreatePage, DeletePage, MovePage, UpdatePage,
};
use crate::components::{last_error, textarea_text, FormMessage, PageTitle, SubmitButton};
use crate::domain::{PageDraft, PageListing};
use crate::error::AppError;

/// A standalone page (`/pages/:slug`), its Markdown rendered and sanitized on the server.
#[component]
pub fn SitePageView() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = Resource::new(slug, get_page);
    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <PageTitle text=page.title.clone()/>
                        <Meta name="description" content=page.title.clone()/>
                        <article class="post site-page">
                            <h1>{page.title}</h1>
                            <div class="post-body" inner_html=page.body_html></div>
                        </article>
                    }.into_any(),
                    Err(AppError::NotFound(_)) => view! { <super::NotFound/> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The admin's pages (`/admin/pages`), in order, with "Move up", "Move down", "Edit" and
/// "Delete"; every button a form of its own, so it works without JavaScript.
#[component]
pub fn AdminPagesPage() -> impl IntoView {
    let pages = Resource::new(|| (), |_| list_pages());
    view! {
        <PageTitle text="Pages"/>
        <Meta name="description" content="The blog's standalone pages and their order."/>
        <section class="wide-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match pages.await {
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(pages) => view! { <PageTable pages/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PageTable(pages: Vec<PageListing>) -> impl IntoView {
    let shift = ServerAction::<MovePage>::new();
    let delete = ServerAction::<DeletePage>::new();
    let count = pages.len();
    view! {
        <h1>"Pages"</h1>
        <p>"Standalone pages, such as a colophon or a list of talks. Those marked for it appear in the navigation, in this order."</p>
        <p><a href="/admin/pages/new">"New page"</a></p>
        <FormMessage error=last_error(shift.value())/>
        <FormMessage error=last_error(delete.value())/>
        {if pages.is_empty() {
            view! { <p class="empty-state">"No pages yet."</p> }.into_any()
        } else {
            view! {
                <table class="users pages">
                    <thead>
                        <tr><th scope="col">"Title"</th><th scope="col">"In the navigation"</th><th scope="col">"Order"</th><th scope="col">"Delete"</th></tr>
                    </thead>
                    <tbody>
                        {pages.into_iter().enumerate().map(|(i, p)| {
                            let up = (i > 0).then(|| move_button(shift, &p, "up", "Move up"));
                            let down = (i + 1 < count).then(|| move_button(shift, &p, "down", "Move down"));
                            view! {
                                <tr>
                                    <td><a href=format!("/pages/{}", p.slug)>{p.title.clone()}</a>" · "<a href=format!("/admin/pages/{}/edit", p.slug) aria-label=format!("Edit {}", p.title)>"Edit"</a></td>
                                    <td>{if p.in_nav { "Yes" } else { "No" }}</td>
                                    <td>
                                        {up}
                                        {down}
                                    </td>
                                    <td>
                                        <ActionForm action=delete attr:class="inline-form">
                                            <input type="hidden" name="slug" value=p.slug.clone()/>
                                            <button type="submit" class="link-button" aria-label=format!("Delete {}", p.title)>"Delete"</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// A button moving `page` one place (`direction` `up` or `down`).
fn move_button(
    shift: ServerAction<MovePage>,
    page: &PageListing,
    direction: &'static str,
    label: &'static str,
) -> impl IntoView {
    let slug = page.slug.clone();
    let name = format!("{label}: {}", page.title);
    view! {
        <ActionForm action=shift attr:class="inline-form">
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="direction" value=direction/>
            <button type="submit" class="link-button" aria-label=name>{label}</button>
        </ActionForm>
    }
}

/// "New page" (`/admin/pages/new`) and a page's editor (`/admin/pages/:slug/edit`).
#[component]
pub fn PageEditorPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let draft = Resource::new(slug, load_page_draft);
    view! {
        <PageTitle text="Page"/>
        <section class="editor-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Err(AppError::NotFound(_)) => view! { <super::NotFound/> }.into_any(),
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(draft) if draft.slug.is_empty() => {
                            let action = ServerAction::<CreatePage>::new();
                            let error = last_error(action.value());
                            view! {
                                <h1>"New page"</h1>
                                <ActionForm action>
                                    <PageFields draft error/>
                                    <SubmitButton label="Add page"/>
                                </ActionForm>
                            }.into_any()
                        }
                        Ok(draft) => {
                            let action = ServerAction::<UpdatePage>::new();
                            let error = last_error(action.value());
                            view! {
                                <h1>"Edit page"</h1>
                                <ActionForm action>
                                    <input type="hidden" name="slug" value=draft.slug.clone()/>
                                    <PageFields draft error/>
                                    <SubmitButton label="Save page"/>
                                </ActionForm>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Title, body (Markdown) and "Show in the navigation", each kept after a failed save.
#[component]
fn PageFields(draft: PageDraft, error: Signal<Option<AppError>>) -> impl IntoView {
    let echoed = move |field: &'static str| error.get_untracked().and_then(|e| e.value(field));
    let title = echoed("title").unwrap_or(draft.title);
    let body = echoed("body").unwrap_or(draft.body);
    let in_nav = match echoed("in_nav") {
        Some(value) => value == "on",
        None if error.get_untracked().is_some() => false,
        None => draft.in_nav,
    };
    let message = move |field: &'static str| move || error.get().and_then(|e| e.for_field(field));
    view! {
        <FormMessage error/>
        <div class="field">
            <label for="field-title">"Title"</label>
            <input id="field-title" name="title" required maxlength="200" value=title/>
            {move || message("title")().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
        <div class="field">
            <label for="field-body">"Body (Markdown)"</label>
            <textarea id="field-body" name="body" rows="16" required>{textarea_text(body)}</textarea>
            {move || message("body")().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
        <div class="checkbox-field">
            <input type="checkbox" id="field-in-nav" name="in_nav" value="on" checked=in_nav/>
            <label for="field-in-nav">"Show in the navigation"</label>
        </div>
    }
}
