use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;

use crate::api::{get_about, UpdateAbout};
use crate::components::{last_error, textarea_text, FormMessage, PageTitle, SubmitButton};

/// The About page; the admin edits its text here too.
#[component]
pub fn AboutPage() -> impl IntoView {
    let save = ServerAction::<UpdateAbout>::new();
    let error = last_error(save.value());
    let about = Resource::new(|| (), |_| get_about());
    view! {
        <PageTitle text="About"/>
        <Meta name="description" content="About this blog and its author."/>
        <section class="about">
            <h1>"About"</h1>
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match about.await {
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(about) => view! {
                            <div class="post-body" inner_html=about.html></div>
                            {about.source.map(|source| view! {
                                <details class="admin-edit">
                                    <summary>"Edit the About page"</summary>
                                    <ActionForm action=save>
                                        <FormMessage error/>
                                        <div class="field">
                                            <label for="field-about">"About text"</label>
                                            <textarea id="field-about" name="text" rows="10" required>
                                                {move || textarea_text(error.get().and_then(|e| e.value("text")).unwrap_or_else(|| source.clone()))}
                                            </textarea>
                                            {move || error.get().and_then(|e| e.for_field("text")).map(|m| view! { <p class="field-error">{m}</p> })}
                                        </div>
                                        <SubmitButton label="Save"/>
                                    </ActionForm>
                                </details>
                            })}
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
