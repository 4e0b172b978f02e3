use leptos::form::ActionForm;
use leptos::prelude::*;

use super::{last_error, static_export, Field, FormMessage, Honeypot, SubmitButton};
use crate::api::{subscription_offer, Subscribe};

/// "New posts by email": the subscribe form (on the home page, each post and `/subscribe`).
/// A logged-in reader subscribes their own address in one click. Nothing when this blog
/// cannot mail, unless `explain` says why (on `/subscribe`).
#[component]
pub fn SubscribeForm(#[prop(optional)] explain: bool) -> impl IntoView {
    if static_export() {
        return ().into_any();
    }
    let action = ServerAction::<Subscribe>::new();
    let error = last_error(action.value());
    let offer = Resource::new(|| (), |_| subscription_offer());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match offer.await {
                    Ok(offer) if offer.available => view! {
                        <section class="subscribe" aria-labelledby="subscribe-title">
                            <h2 id="subscribe-title">"New posts by email"</h2>
                            <ActionForm action>
                                <FormMessage error/>
                                {match offer.email {
                                    Some(email) => view! {
                                        <p>"To " <strong>{email.clone()}</strong> ", your account's address."</p>
                                        <input type="hidden" name="email" value=email/>
                                    }.into_any(),
                                    None => view! {
                                        <Field label="Email" name="email" kind="email" autocomplete="email" error echo=true/>
                                    }.into_any(),
                                }}
                                <Honeypot/>
                                <SubmitButton label="Subscribe"/>
                            </ActionForm>
                        </section>
                    }.into_any(),
                    _ if explain => view! {
                        <p class="hint">"This blog does not send mail yet, so it cannot take subscriptions."</p>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
