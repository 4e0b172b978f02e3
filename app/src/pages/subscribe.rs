//! Subscribing by email: `/subscribe` (the form, and where each step lands), the mailed
//! confirmation link's page, and a mailed post's unsubscribe page.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{
    check_subscription_link, check_unsubscribe_link, ConfirmSubscription, Unsubscribe,
};
use crate::components::{last_error, FormMessage, PageTitle, SubmitButton, SubscribeForm};
use crate::domain::{UnsubscribeView, SUBSCRIBE_SENT};
use crate::error::AppError;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// `/subscribe`, and `?done=…` after each step.
#[component]
pub fn SubscribePage() -> impl IntoView {
    let done = use_query_map().read_untracked().get("done");
    let note = match done.as_deref() {
        Some("sent") => Some(SUBSCRIBE_SENT),
        Some("confirmed") => Some("You are subscribed: new posts will come by email."),
        Some("unsubscribed") => Some("You are unsubscribed: no more posts will come by email."),
        Some("forgotten") => Some("Your address is deleted: this blog no longer has it."),
        _ => None,
    };
    view! {
        <PageTitle text="Subscribe"/>
        <Meta name="description" content="Get new posts by email."/>
        <section class="form-page" aria-labelledby="subscribe-page-title">
            <h1 id="subscribe-page-title">"Subscribe"</h1>
            {match note {
                Some(note) => view! {
                    <p class="form-ok" role="status">{note}</p>
                    <p><a href="/">"Read the blog"</a></p>
                }.into_any(),
                None => view! {
                    <p>"Each new post, by email, as it is published. Every mail has a link to unsubscribe."</p>
                    <SubscribeForm explain=true/>
                }.into_any(),
            }}
        </section>
    }
}

/// The frame of a mailed link's page, kept out of caches and search engines: its title, and
/// what `body` shows for the link (with its token) once `check` found it good — or why not.
#[component]
fn MailedLinkPage<T, Fut, B>(
    title: &'static str,
    check: fn(String) -> Fut,
    body: B,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    B: Fn(T, String) -> AnyView + Clone + Send + Sync + 'static,
{
    super::no_store();
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let link = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        check,
    );
    view! {
        <PageTitle text=title/>
        <Meta name="robots" content="noindex"/>
        <section class="form-page" aria-labelledby="link-page-title">
            <h1 id="link-page-title">{title}</h1>
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || {
                    let (token, body) = (token.clone(), body.clone());
                    Suspend::new(async move {
                        match link.await {
                            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                            Ok(found) => body(found, token),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// A mailed confirmation link: a button confirms (opening the link does not: mail scanners
/// open links).
#[component]
pub fn ConfirmSubscriptionPage() -> impl IntoView {
    let action = ServerAction::<ConfirmSubscription>::new();
    let error = last_error(action.value());
    let body = move |address: String, token: String| {
        view! {
            <p>"New posts will be mailed to " <strong>{address}</strong> "."</p>
            <ActionForm action>
                <FormMessage error/>
                <input type="hidden" name="token" value=token/>
                <SubmitButton label="Confirm subscription"/>
            </ActionForm>
        }
        .into_any()
    };
    view! { <MailedLinkPage title="Confirm your subscription" check=check_subscription_link body/> }
}

/// A mailed post's unsubscribe link: no login, one button; and "delete my address".
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let action = ServerAction::<Unsubscribe>::new();
    let error = last_error(action.value());
    let body = move |link: UnsubscribeView, token: String| {
        let address = link.masked_email.clone();
        view! {
            {if link.subscribed {
                view! { <p>"New posts are mailed to " <strong>{address}</strong> "."</p> }.into_any()
            } else {
                view! { <p><strong>{address}</strong> " gets no more mail from this blog."</p> }.into_any()
            }}
            <FormMessage error/>
            {link.subscribed.then({
                let token = token.clone();
                move || view! {
                    <ActionForm action>
                        <input type="hidden" name="token" value=token/>
                        <SubmitButton label="Unsubscribe"/>
                    </ActionForm>
                }
            })}
            <ActionForm action>
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="forget" value="yes"/>
                <p class="hint">"Or have this blog forget the address altogether (it keeps no record of it then)."</p>
                <SubmitButton label="Delete my address"/>
            </ActionForm>
        }
        .into_any()
    };
    view! { <MailedLinkPage title="Unsubscribe" check=check_unsubscribe_link body/> }
}
