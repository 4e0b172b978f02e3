use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use crate::api::{check_email_link, ConfirmEmail};
use crate::components::{last_error, FormMessage, PageTitle, SubmitButton};

/// A mailed link's page: the address it confirms, and a button to confirm it (a button, not
/// the visit itself: mail scanners that open links must not confirm anything).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    super::no_store();
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let action = ServerAction::<ConfirmEmail>::new();
    let error = last_error(action.value());
    let link = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        check_email_link,
    );
    view! {
        <PageTitle text="Confirm your email address"/>
        <Meta name="robots" content="noindex"/>
        <section class="form-page" aria-labelledby="verify-title">
            <h1 id="verify-title">"Confirm your email address"</h1>
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match link.await {
                            Err(e) => view! {
                                <p class="error" role="alert">{e.to_string()}</p>
                                <p><a href="/account#email">"Go to your account page"</a></p>
                            }.into_any(),
                            Ok(address) => view! {
                                <p>"This confirms " <strong>{address}</strong> " as your account's address."</p>
                                <ActionForm action>
                                    <FormMessage error/>
                                    <input type="hidden" name="token" value=token/>
                                    <SubmitButton label="Confirm address"/>
                                </ActionForm>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// Where a confirmed link lands.
#[component]
pub fn EmailConfirmedPage() -> impl IntoView {
    view! {
        <PageTitle text="Address confirmed"/>
        <Meta name="robots" content="noindex"/>
        <section class="form-page" aria-labelledby="confirmed-title">
            <h1 id="confirmed-title">"Address confirmed"</h1>
            <p class="form-ok" role="status">"Your email address is confirmed. Thank you!"</p>
            <p><a href="/">"Read the blog"</a> " or " <a href="/account">"go to your account"</a></p>
        </section>
    }
}
