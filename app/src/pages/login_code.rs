use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;

use crate::api::LoginCode;
use crate::components::{last_error, Field, FormMessage, PageTitle, SubmitButton};

/// The login's second step, for accounts with two-factor sign-in.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = ServerAction::<LoginCode>::new();
    let error = last_error(action.value());

    view! {
        <PageTitle text="Enter your code"/>
        <Meta name="description" content="The second step of logging in."/>
        <section class="form-page" aria-labelledby="code-title">
            <h1 id="code-title">"Enter your code"</h1>
            <p>"Your account has two-factor sign-in. Open your authenticator app and type the code it shows for this blog."</p>
            <ActionForm action>
                <FormMessage error/>
                <Field
                    label="Code"
                    name="code"
                    autocomplete="one-time-code"
                    error
                    hint="Six digits from your app — or, without your phone, one of your recovery codes."
                />
                <SubmitButton label="Log in"/>
            </ActionForm>
            <p><a href="/login">"Start again"</a></p>
        </section>
    }
}
