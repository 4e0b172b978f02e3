use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

use crate::api::{invitation, AcceptInvite};
use crate::components::{last_error, Field, FormMessage, PageTitle, SubmitButton};
use crate::domain::InviteView;
use crate::error::AppError;

/// An invitation's page (`/invite/:token`): who invites whom to what, and the way to accept
/// — a new account's name and password, or, logged in with the invited address, one button.
#[component]
pub fn InvitePage() -> impl IntoView {
    // What it shows changes once the link is used or expires, and the token is in it.
    super::no_store();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invite = Resource::new(token, invitation);
    view! {
        <PageTitle text="Invitation"/>
        <Meta name="robots" content="noindex"/>
        <section class="form-page">
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match invite.await {
                        Ok(view) => view! { <Accept invite=view token=token()/> }.into_any(),
                        Err(AppError::NotFound(message)) => view! {
                            <h1>"Invitation"</h1>
                            <p class="form-error" role="alert">{message}</p>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Accept(invite: InviteView, token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvite>::new();
    let error = last_error(action.value());
    let role = invite.role;
    let offer = format!(
        "{} invites {} to join this blog as {}: to {}.",
        invite
            .invited_by
            .clone()
            .unwrap_or_else(|| "An admin".into()),
        invite.email,
        role.label().to_lowercase(),
        role.describe()
    );
    let body = match &invite.signed_in_as {
        Some(me) if *me == invite.email => view! {
            <ActionForm action>
                <FormMessage error/>
                <input type="hidden" name="token" value=token/>
                <SubmitButton label=format!("Accept: become {}", role.label().to_lowercase())/>
            </ActionForm>
        }
        .into_any(),
        Some(me) => view! {
            <p class="form-error" role="alert">{format!(
                "This invitation is for {}, and you are logged in as {me}. Log out, then open the link again to accept it as {}.",
                invite.email, invite.email
            )}</p>
        }
        .into_any(),
        None if invite.account_exists => view! {
            <p>{format!("An account has the address {} already: log in with it, then open this link again to accept.", invite.email)}</p>
            <p><a href="/login">"Log in"</a></p>
        }
        .into_any(),
        None => view! {
            <ActionForm action>
                <FormMessage error/>
                <input type="hidden" name="token" value=token/>
                <p>{format!("Your account's address will be {}.", invite.email)}</p>
                <Field label="Name" name="name" autocomplete="name" error echo=true/>
                <Field label="Password" name="password" kind="password" autocomplete="new-password" error hint="At least 8 characters."/>
                <SubmitButton label="Create the account and join"/>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <h1>"Invitation"</h1>
        <p>{offer}</p>
        <p class="hint">{format!("The link works once, until {}.", invite.expires)}</p>
        {body}
    }
}
