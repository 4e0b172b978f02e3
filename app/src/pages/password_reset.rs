//! "Forgot your password?": asking for a reset link, and the page the link opens.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{
    check_reset_link, resets_by_mail, RequestPasswordReset, ResetPassword, LINK_ASKED,
};
use crate::components::{last_error, Field, FormMessage, PageTitle, SubmitButton};
use crate::domain::{LINK_SENT, NEEDS_MAIL};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = last_error(action.value());
    let asked = use_query_map().read_untracked().get(LINK_ASKED).is_some();
    let by_mail = Resource::new(|| (), |_| resets_by_mail());
    view! {
        <PageTitle text="Forgot your password?"/>
        <Meta name="description" content="Get a link to set a new password."/>
        <section class="form-page" aria-labelledby="forgot-title">
            <h1 id="forgot-title">"Forgot your password?"</h1>
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match (asked, by_mail.await) {
                        (true, _) => view! { <p class="form-ok" role="status">{LINK_SENT}</p> }.into_any(),
                        (false, Ok(false)) => view! { <p class="notice" role="status">{NEEDS_MAIL}</p> }.into_any(),
                        (false, Err(e)) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                        (false, Ok(true)) => view! {
                            <p>"Type the email of your account: we will mail you a link to choose a new password."</p>
                            <ActionForm action>
                                <FormMessage error/>
                                <Field label="Email" name="email" kind="email" autocomplete="email" error echo=true/>
                                <SubmitButton label="Send reset link"/>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    super::no_store();
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    let error = last_error(action.value());
    let link = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        check_reset_link,
    );
    view! {
        <PageTitle text="Choose a new password"/>
        <Meta name="robots" content="noindex"/>
        <section class="form-page" aria-labelledby="reset-title">
            <h1 id="reset-title">"Choose a new password"</h1>
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                    match link.await {
                        Err(e) => view! {
                            <p class="error" role="alert">{e.to_string()}</p>
                            <p><a href="/forgot-password">"Ask for a new link"</a></p>
                        }.into_any(),
                        Ok(()) => view! {
                            <ActionForm action>
                                <FormMessage error/>
                                <input type="hidden" name="token" value=token/>
                                <Field label="New password" name="password" kind="password" autocomplete="new-password" error hint="At least 8 characters."/>
                                <SubmitButton label="Set new password"/>
                            </ActionForm>
                        }.into_any(),
                    }
                })}}
            </Suspense>
        </section>
    }
}
