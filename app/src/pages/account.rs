use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_query_map;

use super::account_email::EmailSection;
use super::notifications::NotificationsSection;
use super::sessions::SessionsSection;
use super::two_factor::TwoFactorSection;
use super::Restricted;
use crate::api::{account, ChangePassword, UpdateName, SAVED_NAME, SAVED_PASSWORD};
use crate::components::{last_error, Field, FormMessage, PageTitle, SubmitButton};

/// The logged-in user's own page: change the name or the password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let rename = ServerAction::<UpdateName>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let details = Resource::new(|| (), |_| account());
    let rename_error = last_error(rename.value());
    let password_error = last_error(change_password.value());
    // A change that went through redirects here with `?saved=name` or `?saved=password`.
    let saved = use_query_map().read_untracked().get("saved");
    let renamed = saved.as_deref() == Some(SAVED_NAME);
    let password_changed = saved.as_deref() == Some(SAVED_PASSWORD);

    view! {
        <PageTitle text="Your account"/>
        <Meta name="description" content="Change your name or password, set up two-factor sign-in, and see where you are logged in."/>
        <section class="form-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match details.await {
                        Err(error) => view! { <Restricted error/> }.into_any(),
                        Ok(user) => view! {
                            <h1>"Your account"</h1>
                            <p>"Signed in as " <strong>{user.email}</strong> "."</p>

                            <h2 id="name-title">"Name"</h2>
                            <ActionForm action=rename>
                                <FormMessage error=rename_error/>
                                {renamed.then(|| view! { <p class="form-ok" role="status">"Your name was saved."</p> })}
                                <div class="field">
                                    <label for="field-name">"Name"</label>
                                    <input
                                        id="field-name"
                                        name="name"
                                        autocomplete="name"
                                        required
                                        value=move || rename_error.get().and_then(|e| e.value("name")).unwrap_or_else(|| user.name.clone())
                                        aria-invalid=move || rename_error.get().and_then(|e| e.for_field("name")).is_some().to_string()
                                    />
                                    {move || rename_error.get().and_then(|e| e.for_field("name")).map(|m| view! { <p class="field-error">{m}</p> })}
                                </div>
                                <SubmitButton label="Save name"/>
                            </ActionForm>

                            <h2>"Password"</h2>
                            <p>"Changing it logs you out everywhere else."</p>
                            <ActionForm action=change_password>
                                <FormMessage error=password_error/>
                                {password_changed.then(|| view! { <p class="form-ok" role="status">"Your password was changed."</p> })}
                                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error=password_error/>
                                <Field label="New password" name="new_password" kind="password" autocomplete="new-password" error=password_error hint="At least 8 characters."/>
                                <SubmitButton label="Change password"/>
                            </ActionForm>

                        }
                        .into_any(),
                    }
                })}
            </Suspense>
            // Outside the account's Suspense, so that each section's data is asked for once
            // (recovery codes just made are taken from the session when first read).
            <EmailSection/>
            <TwoFactorSection/>
            <SessionsSection/>
            <NotificationsSection/>
        </section>
    }
}
