use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use crate::api::{SendMessage, MESSAGE_SENT, SENT};
use crate::components::{
    last_error, textarea_text, Field, FormMessage, Honeypot, PageTitle, SubmitButton,
};

/// The contact form. Messages are kept for the admin and mailed when SMTP is configured.
#[component]
pub fn ContactPage() -> impl IntoView {
    let action = ServerAction::<SendMessage>::new();
    let error = last_error(action.value());
    // A message that went through redirects here with `?sent=1`.
    let sent = use_query_map().read_untracked().get(SENT).is_some();
    view! {
        <PageTitle text="Contact"/>
        <Meta name="description" content="Send the author of this blog a message."/>
        <section class="form-page" aria-labelledby="contact-title">
            <h1 id="contact-title">"Contact"</h1>
            <Show
                when=move || sent
                fallback=move || view! {
                    <p>"Want to get in touch? Fill out the form below to send a message."</p>
                    <ActionForm action>
                        <FormMessage error/>
                        <Field label="Name" name="name" autocomplete="name" error echo=true/>
                        <Field label="Email" name="email" kind="email" autocomplete="email" error echo=true/>
                        <Field label="Phone" name="phone" kind="tel" autocomplete="tel" error echo=true optional=true hint="Optional."/>
                        <div class="field">
                            <label for="field-message">"Message"</label>
                            <textarea id="field-message" name="message" rows="6" required
                                aria-invalid=move || error.get().and_then(|e| e.for_field("message")).is_some().to_string()>
                                {move || textarea_text(error.get().and_then(|e| e.value("message")).unwrap_or_default())}
                            </textarea>
                            {move || error.get().and_then(|e| e.for_field("message")).map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                        <Honeypot/>
                        <SubmitButton label="Send"/>
                    </ActionForm>
                }
            >
                <p class="form-ok" role="status">{MESSAGE_SENT}</p>
            </Show>
        </section>
    }
}
