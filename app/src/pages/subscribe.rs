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
use crate::domain::SUBSCRIBE_SENT;

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

fn token_param() -> String {
    use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default()
}

/// A mailed confirmation link: a button confirms (opening the link does not: mail scanners
/// open links).
#[component]
pub fn ConfirmSubscriptionPage() -> impl IntoView {
    super::no_store();
    let token = token_param();
    let action = ServerAction::<ConfirmSubscription>::new();
    let error = last_error(action.value());
    let link = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        check_subscription_link,
    );
    view! {
        <PageTitle text="Confirm your subscription"/>
        <Meta name="robots" content="noindex"/>
        <section class="form-page" aria-labelledby="confirm-subscription-title">
            <h1 id="confirm-subscription-title">"Confirm your subscription"</h1>
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match link.await {
                            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                            Ok(address) => view! {
                                <p>"New posts will be mailed to " <strong>{address}</strong> "."</p>
                                <ActionForm action>
                                    <FormMessage error/>
                                    <input type="hidden" name="token" value=token/>
                                    <SubmitButton label="Confirm subscription"/>
                                </ActionForm>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// A mailed post's unsubscribe link: no login, one button; and "delete my address".
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    super::no_store();
    let token = token_param();
    let action = ServerAction::<Unsubscribe>::new();
    let error = last_error(action.value());
    let link = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        check_unsubscribe_link,
    );
    view! {
        <PageTitle text="Unsubscribe"/>
        <Meta name="robots" content="noindex"/>
        <section class="form-page" aria-labelledby="unsubscribe-title">
            <h1 id="unsubscribe-title">"Unsubscribe"</h1>
            <Suspense fallback=|| view! { <p class="progress" role="status">"Loading…"</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match link.await {
                            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                            Ok(view) => view! {
                                {if view.subscribed {
                                    view! { <p>"New posts are mailed to " <strong>{view.masked_email.clone()}</strong> "."</p> }.into_any()
                                } else {
                                    view! { <p><strong>{view.masked_email.clone()}</strong> " gets no more mail from this blog."</p> }.into_any()
                                }}
                                <FormMessage error/>
                                {view.subscribed.then({
                                    let token = token.clone();
                                    move || view! {
                                    <ActionForm action>
                                        <input type="hidden" name="token" value=token/>
                                        <SubmitButton label="Unsubscribe"/>
                                    </ActionForm>
                                }})}
                                <ActionForm action>
                                    <input type="hidden" name="token" value=token/>
                                    <input type="hidden" name="forget" value="yes"/>
                                    <p class="hint">"Or have this blog forget the address altogether (it keeps no record of it then)."</p>
                                    <SubmitButton label="Delete my address"/>
                                </ActionForm>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
