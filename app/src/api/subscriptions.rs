//! Subscribing to new posts by email, confirming, and unsubscribing: open to everyone (the
//! links are the credentials), throttled per client and per address.

use leptos::prelude::*;

use crate::domain::{SubscribeOffer, SubscriberListing, UnsubscribeView};
use crate::error::AppError;

/// Where the subscribe form lands when a link was sent (or the address was subscribed
/// already: the same page, so nobody learns which).
pub const SUBSCRIBE_LINK_SENT: &str = "/subscribe?done=sent";

/// Whether this blog takes subscriptions, and the logged-in reader's address for the form.
#[server(endpoint = "subscribe/offer")]
pub async fn subscription_offer() -> Result<SubscribeOffer, AppError> {
    super::guard::serve(async |state, caller| {
        Ok(crate::service::subscriptions::offer(state, caller))
    })
    .await
}

/// Subscribes `email` to new posts: a confirmation link is mailed, except to a logged-in
/// reader subscribing their own verified address.
#[server(endpoint = "subscribe")]
pub async fn subscribe(email: String, website: Option<String>) -> Result<(), AppError> {
    use crate::service::subscriptions::{self, Subscribed};
    super::guard::serve(async |state, caller| {
        if crate::service::caught_by_honeypot("subscribe", website.as_deref().unwrap_or("")) {
            super::guard::land_on(SUBSCRIBE_LINK_SENT);
            return Ok(());
        }
        let client = super::guard::client_address(state.site.trust_forwarded_for).await;
        let done = match subscriptions::subscribe(state, caller, &client, &email).await? {
            Subscribed::LinkSent => SUBSCRIBE_LINK_SENT,
            Subscribed::Confirmed => "/subscribe?done=confirmed",
        };
        super::guard::land_on(done);
        Ok(())
    })
    .await
}

/// The address a confirmation link subscribes, partly hidden (404 when the link is dead).
#[server(endpoint = "subscribe/check")]
pub async fn check_subscription_link(token: String) -> Result<String, AppError> {
    super::guard::serve(async |state, _| {
        crate::service::subscriptions::check_confirmation(state, &token, crate::db::now()).await
    })
    .await
}

/// Confirms a subscription from its mailed link.
#[server(endpoint = "subscribe/confirm")]
pub async fn confirm_subscription(token: String) -> Result<(), AppError> {
    super::guard::serve(async |state, _| {
        crate::service::subscriptions::confirm(state, &token, crate::db::now()).await?;
        super::guard::land_on("/subscribe?done=confirmed");
        Ok(())
    })
    .await
}

/// What an unsubscribe link's page shows (404 when the link is dead).
#[server(endpoint = "unsubscribe/check")]
pub async fn check_unsubscribe_link(token: String) -> Result<UnsubscribeView, AppError> {
    super::guard::serve(async |state, _| {
        crate::service::subscriptions::unsubscribe_view(state, &token).await
    })
    .await
}

/// Unsubscribes the address of a mailed post's link; with `forget` set, deletes it.
#[server(endpoint = "unsubscribe")]
pub async fn unsubscribe(token: String, forget: Option<String>) -> Result<(), AppError> {
    super::guard::serve(async |state, _| {
        let forget = forget.is_some();
        crate::service::subscriptions::unsubscribe(state, &token, forget).await?;
        let done = if forget { "forgotten" } else { "unsubscribed" };
        super::guard::land_on(&format!("/subscribe?done={done}"));
        Ok(())
    })
    .await
}

/// The admin's subscribers: counts per state and a page of the addresses containing `q`.
#[server(endpoint = "admin/subscribers")]
pub async fn list_subscribers(
    q: Option<String>,
    page: Option<u32>,
) -> Result<SubscriberListing, AppError> {
    super::guard::serve(async |state, caller| {
        let (q, page) = (q.unwrap_or_default(), page.unwrap_or(1));
        crate::service::subscriptions::listing(state, caller, &q, page).await
    })
    .await
}

/// Removes subscriber `id`, and every mail to them the blog keeps (admin only).
#[server(endpoint = "admin/subscribers/remove")]
pub async fn remove_subscriber(id: i64) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::subscriptions::remove(state, caller, id).await
    })
    .await
}

/// How far a post's mailing has got, (waiting, sent, refused): the editor's progress bar
/// asks while a send runs (admin only).
#[server(endpoint = "posts/mailing")]
pub async fn mailing_progress(slug: String) -> Result<(i64, i64, i64), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::editor::mailing_progress(state, caller, &slug).await
    })
    .await
}

/// How many subscribers a post marked for them would reach now (admin only); `None` when this
/// blog cannot mail.
#[server(endpoint = "subscribers/reach")]
pub async fn newsletter_reach() -> Result<Option<i64>, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::subscriptions::reach(state, caller).await
    })
    .await
}
