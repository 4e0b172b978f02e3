use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{email_status, ChangeEmail, ResendEmailLink, SAVED_EMAIL, SAVED_EMAIL_LINK};
use crate::components::{last_error, Field, FormMessage, SubmitButton};
use crate::domain::{AccountEmail, EmailVerification};
use crate::error::AppError;

/// The account page's email section: the address, whether it is confirmed (and the link
/// again), and changing it.
#[component]
pub fn EmailSection() -> impl IntoView {
    let resend = ServerAction::<ResendEmailLink>::new();
    let change = ServerAction::<ChangeEmail>::new();
    let details = Resource::new(
        move || (resend.version().get(), change.version().get()),
        |_| email_status(),
    );
    let resend_error = last_error(resend.value());
    let change_error = last_error(change.value());
    let saved = use_query_map().read_untracked().get("saved");
    let note = match saved.as_deref() {
        Some(SAVED_EMAIL_LINK) => {
            Some("We sent a link to your new address: the change takes effect when you open it.")
        }
        Some(SAVED_EMAIL) => Some("Your address was changed."),
        Some("email-resent") => Some("We sent the link again."),
        _ => None,
    };

    view! {
        <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    // A visitor: the page says to log in.
                    Err(AppError::Unauthorized) => ().into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    Ok(AccountEmail { email, verified, changing_to, mode }) => view! {
                        <h2 id="email">"Email"</h2>
                        {note.map(|n| view! { <p class="form-ok" role="status">{n}</p> })}
                        <p>"Your address: " <strong>{email}</strong>
                            {match (mode, verified) {
                                (EmailVerification::On, true) => " (confirmed)",
                                (EmailVerification::On, false) => " (not confirmed yet)",
                                _ => "",
                            }}
                        </p>
                        {(mode == EmailVerification::On && !verified).then(|| view! {
                            <p>"Open the link we mailed you to confirm it: until then you cannot comment."</p>
                            <ActionForm action=resend>
                                <FormMessage error=resend_error/>
                                <SubmitButton label="Send the link again"/>
                            </ActionForm>
                        })}
                        {changing_to.map(|to| view! {
                            <p>"Changing to " <strong>{to}</strong> ": waiting for the link we mailed there."</p>
                        })}
                        <h3>"Change your address"</h3>
                        {(mode == EmailVerification::On).then(|| view! {
                            <p>"We mail a link to the new address; the change takes effect when you open it, and we tell the old one."</p>
                        })}
                        <ActionForm action=change>
                            <FormMessage error=change_error/>
                            <Field label="New email" name="new_email" kind="email" autocomplete="email" error=change_error echo=true/>
                            <Field label="Password to change it" name="email_password" kind="password" autocomplete="current-password" error=change_error/>
                            <SubmitButton label="Change email"/>
                        </ActionForm>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
