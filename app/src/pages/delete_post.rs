use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use super::Restricted;
use crate::api::{load_post_draft, DeletePost};
use crate::components::{last_error, FormMessage, PageTitle, SubmitButton};
use crate::error::AppError;

/// Asks before deleting a post; the deletion itself is a POST from this page.
#[component]
pub fn DeletePostPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let action = ServerAction::<DeletePost>::new();
    let error = last_error(action.value());
    let draft = Resource::new(slug, load_post_draft);
    view! {
        <PageTitle text="Delete post"/>
        <Meta name="description" content="Delete a post."/>
        <section class="form-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Err(AppError::NotFound(_)) => view! { <super::NotFound/> }.into_any(),
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(draft) => {
                            let back = format!("/posts/{}", draft.slug);
                            view! {
                            <h1>"Delete this post?"</h1>
                            <p>"“" {draft.title.clone()} "” and all its comments will be deleted. This cannot be undone."</p>
                            <ActionForm action>
                                <FormMessage error/>
                                <input type="hidden" name="slug" value=draft.slug.clone()/>
                                <SubmitButton label="Delete post"/>
                            </ActionForm>
                            <p><a href=back>"Keep it"</a></p>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
