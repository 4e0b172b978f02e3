use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;

use crate::api::Register;
use crate::components::{last_error, Field, FormMessage, Honeypot, PageTitle, SubmitButton};
use crate::domain::ALREADY_REGISTERED;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let error = last_error(action.value());
    let already = move || {
        error.get().and_then(|e| e.for_field("email")).as_deref() == Some(ALREADY_REGISTERED)
    };

    view! {
        <PageTitle text="Register"/>
        <Meta name="description" content="Create an account to comment on posts."/>
        <section class="form-page" aria-labelledby="register-title">
            <h1 id="register-title">"Register"</h1>
            <ActionForm action>
                <FormMessage error/>
                <Field label="Name" name="name" autocomplete="name" error echo=true/>
                <Field label="Email" name="email" kind="email" autocomplete="email" error echo=true/>
                <Show when=already>
                    <p class="field-note"><a href="/login">"Log in"</a></p>
                </Show>
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    error
                    hint="At least 8 characters."
                />
                <Honeypot/>
                <SubmitButton label="Sign me up"/>
            </ActionForm>
            <p>"Already have an account? " <a href="/login">"Log in"</a></p>
        </section>
    }
}
