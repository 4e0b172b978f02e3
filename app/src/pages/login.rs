use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;

use crate::api::Login;
use crate::components::{last_error, Field, FormMessage, PageTitle, SubmitButton};

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = last_error(action.value());

    view! {
        <PageTitle text="Log in"/>
        <Meta name="description" content="Log in to comment on posts."/>
        <section class="form-page" aria-labelledby="login-title">
            <h1 id="login-title">"Log in"</h1>
            <ActionForm action>
                <FormMessage error/>
                <Field label="Email" name="email" kind="email" autocomplete="email" error echo=true/>
                <Field label="Password" name="password" kind="password" autocomplete="current-password" error/>
                <SubmitButton label="Log in"/>
            </ActionForm>
            <p><a href="/forgot-password">"Forgot your password?"</a></p>
            <p>"New here? " <a href="/register">"Register"</a></p>
        </section>
    }
}
