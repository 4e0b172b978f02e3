//! Subscribing by email: double opt-in (a link to confirm, valid for a week), one-click
//! unsubscribing from every mail, and "delete my address".
//!
//! Answers never say whether an address was subscribed: the subscribe form answers the same
//! for every address, and looking it up and queuing the mail happen after the answer.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::auth::rate_limit::Policy;
use crate::auth::reset_token::ResetToken;
use crate::db::{self, outbox::NewMail, subscribers::Requested};
use crate::domain::{
    mask_email, Email, SubscribeOffer, SubscriberListing, SubscriberRow, SubscriberStatus,
    UnsubscribeView, SUBSCRIBERS_PER_PAGE,
};
use crate::error::AppError;
use crate::state::AppState;

use super::{admit, Caller};

/// How long a confirmation link works.
pub const CONFIRM_FOR: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// The outbox `kind` of a confirmation link.
pub const CONFIRMATION_KIND: &str = "subscription";

/// Subscribe requests from one client address.
pub const PER_CLIENT: Policy = Policy {
    scope: "subscribe-client",
    free: 5,
    window: Duration::from_secs(60 * 60),
    first_wait: Duration::from_secs(60),
    max_wait: Duration::from_secs(60 * 60),
};

/// Subscribe requests for one address, from anywhere: nobody can flood an inbox with links.
pub const PER_ADDRESS: Policy = Policy {
    scope: "subscribe-address",
    free: 3,
    window: Duration::from_secs(24 * 60 * 60),
    first_wait: Duration::from_secs(10 * 60),
    max_wait: Duration::from_secs(24 * 60 * 60),
};

/// Subscribing needs mail, and a public URL to start the links with (never a request's
/// Host, which the asker chooses: see `resets::by_mail`).
pub fn base_url(state: &AppState) -> Option<&str> {
    super::resets::by_mail(state)
}

const NO_MAIL: &str = "This blog cannot send mail yet, so it cannot take subscriptions.";

/// What the subscribe form shows `caller`.
pub fn offer(state: &AppState, caller: &Caller) -> SubscribeOffer {
    SubscribeOffer {
        available: base_url(state).is_some(),
        email: caller.user().map(|u| u.email.clone()),
    }
}

/// How many confirmed subscribers a post would be mailed to now (for those who may mail
/// them: editors and admins); `None` when this blog cannot mail.
pub async fn reach(state: &AppState, caller: &Caller) -> Result<Option<i64>, AppError> {
    caller.require(crate::domain::Capability::EditOthers)?;
    if base_url(state).is_none() {
        return Ok(None);
    }
    db::subscribers::count_confirmed(&state.db)
        .await
        .map(Some)
        .map_err(|e| AppError::from_db("counting subscribers", e))
}

/// The admin's list: counts per state, and page `page` (from 1) of the addresses containing
/// `search`, newest first.
pub async fn listing(
    state: &AppState,
    caller: &Caller,
    search: &str,
    page: u32,
) -> Result<SubscriberListing, AppError> {
    caller.require_admin()?;
    let db_err = |e| AppError::from_db("listing subscribers", e);
    let mut listing = SubscriberListing::default();
    for (status, count) in db::subscribers::counts(&state.db).await.map_err(db_err)? {
        match SubscriberStatus::parse(&status) {
            Some(SubscriberStatus::Confirmed) => listing.confirmed = count,
            Some(SubscriberStatus::Pending) => listing.pending = count,
            Some(SubscriberStatus::Unsubscribed) => listing.unsubscribed = count,
            Some(SubscriberStatus::Bouncing) => listing.bouncing = count,
            None => {}
        }
    }
    let per_page = i64::from(SUBSCRIBERS_PER_PAGE);
    let offset = i64::from(page.max(1) - 1) * per_page;
    let mut rows = db::subscribers::list(&state.db, search.trim(), per_page + 1, offset)
        .await
        .map_err(db_err)?;
    listing.more = rows.len() as i64 > per_page;
    rows.truncate(SUBSCRIBERS_PER_PAGE as usize);
    listing.rows = rows
        .into_iter()
        .map(|r| SubscriberRow {
            status: SubscriberStatus::parse(&r.status).unwrap_or(SubscriberStatus::Unsubscribed),
            id: r.id,
            email: r.email,
            created_at: r.created_at,
        })
        .collect();
    Ok(listing)
}

/// Removes subscriber `id` and every mail to them Quire keeps (admin only).
pub async fn remove(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_admin()?;
    let db_err = |e| AppError::from_db("removing a subscriber", e);
    if !db::subscribers::forget(&state.db, id)
        .await
        .map_err(db_err)?
    {
        return Err(AppError::NotFound("There is no such subscriber.".into()));
    }
    tracing::info!(subscriber.id = id, "subscriber removed by the admin");
    Ok(())
}

/// What subscribing did, for the page the form lands on.
#[derive(Debug, PartialEq, Eq)]
pub enum Subscribed {
    /// A confirmation link is on its way (or the address was subscribed already: the same
    /// answer, so nobody learns which).
    LinkSent,
    /// A logged-in reader with a verified address, subscribed at once.
    Confirmed,
}

/// Subscribes `email` for `caller` asking from `client`: at once when it is the logged-in
/// reader's own verified address, else by a confirmation link.
pub async fn subscribe(
    state: &AppState,
    caller: &Caller,
    client: &str,
    email: &str,
) -> Result<Subscribed, AppError> {
    let Some(base_url) = base_url(state).map(str::to_owned) else {
        return Err(AppError::invalid("email", NO_MAIL));
    };
    let email = Email::parse(email)
        .map_err(|m| AppError::invalid("email", m).with_values(&[("email", email)]))?;
    let limits = [(PER_CLIENT, client), (PER_ADDRESS, email.as_str())];
    let _counted = admit(
        state,
        &limits,
        "Too many subscribe requests.",
        "subscribing",
    )
    .await?;
    if let Some(user) = caller.user() {
        let verified = db::subscribers::account_verified(&state.db, user.id)
            .await
            .map_err(|e| AppError::from_db("subscribing", e))?;
        if verified && user.email == email.as_str() {
            db::subscribers::subscribe_confirmed(&state.db, &email)
                .await
                .map_err(|e| AppError::from_db("subscribing", e))?;
            tracing::info!(user.id = user.id, "reader subscribed");
            return Ok(Subscribed::Confirmed);
        }
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = send_link(&state, &email, &base_url).await {
            tracing::warn!(error = %e, "could not queue a subscription link");
        }
    });
    Ok(Subscribed::LinkSent)
}

async fn send_link(state: &AppState, email: &Email, base_url: &str) -> Result<(), sqlx::Error> {
    let token = ResetToken::generate();
    let expires_at = db::now() + TimeDelta::from_std(CONFIRM_FOR).unwrap_or(TimeDelta::MAX);
    let link = format!("{base_url}/subscribe/confirm/{}", token.as_str());
    let text = format!(
        "Someone (we hope you) asked to get new posts from {base_url} by mail.\n\nOpen this \
         link within a week to confirm:\n\n{link}\n\nIf it was not you, ignore this mail: \
         nothing more will be sent.\n"
    );
    let html = format!(
        "<p>Someone (we hope you) asked to get new posts from {base_url} by mail.</p>\
         <p><a href=\"{link}\">Confirm the subscription</a> (the link works for a week).</p>\
         <p>If it was not you, ignore this mail: nothing more will be sent.</p>"
    );
    let mail = NewMail {
        kind: CONFIRMATION_KIND,
        recipient: email.as_str(),
        reply_to: None,
        subject: "Confirm your subscription",
        text_body: &text,
        html_body: Some(&html),
        message_id: None,
        list_unsubscribe: None,
    };
    let outcome =
        db::subscribers::request(&state.db, email, &token.hash(), expires_at, &mail).await?;
    if outcome == Requested::LinkSent {
        tracing::info!("subscription link queued");
        if let Some(mailer) = &state.mailer {
            mailer.wake();
        }
    }
    Ok(())
}

fn dead_link() -> AppError {
    AppError::NotFound("This link does not work (any more). Subscribe again if you like.".into())
}

/// The address a confirmation link would subscribe, partly hidden (404 when it is dead).
pub async fn check_confirmation(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = ResetToken::parse(token).ok_or_else(dead_link)?;
    db::subscribers::by_confirm_token(&state.db, &token.hash(), now)
        .await
        .map_err(|e| AppError::from_db("reading a subscription link", e))?
        .map(|s| mask_email(&s.email))
        .ok_or_else(dead_link)
}

/// Confirms the subscription of a link.
pub async fn confirm(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let token = ResetToken::parse(token).ok_or_else(dead_link)?;
    let confirmed = db::subscribers::confirm(&state.db, &token.hash(), now)
        .await
        .map_err(|e| AppError::from_db("confirming a subscription", e))?;
    if !confirmed {
        return Err(dead_link());
    }
    tracing::info!("subscription confirmed");
    Ok(())
}

async fn by_unsubscribe_link(
    state: &AppState,
    token: &str,
) -> Result<db::subscribers::Subscriber, AppError> {
    let token = ResetToken::parse(token).ok_or_else(dead_link)?;
    db::subscribers::by_unsubscribe_token(&state.db, &token.hash())
        .await
        .map_err(|e| AppError::from_db("reading an unsubscribe link", e))?
        .ok_or_else(dead_link)
}

/// What an unsubscribe link's page shows.
pub async fn unsubscribe_view(state: &AppState, token: &str) -> Result<UnsubscribeView, AppError> {
    let subscriber = by_unsubscribe_link(state, token).await?;
    Ok(UnsubscribeView {
        masked_email: mask_email(&subscriber.email),
        subscribed: matches!(
            subscriber.status(),
            SubscriberStatus::Confirmed | SubscriberStatus::Pending
        ),
    })
}

/// Unsubscribes the address of an unsubscribe link; with `forget`, deletes it altogether.
pub async fn unsubscribe(state: &AppState, token: &str, forget: bool) -> Result<(), AppError> {
    let subscriber = by_unsubscribe_link(state, token).await?;
    let done = if forget {
        db::subscribers::forget(&state.db, subscriber.id)
            .await
            .map(|_| ())
    } else {
        db::subscribers::unsubscribe(&state.db, subscriber.id).await
    };
    done.map_err(|e| AppError::from_db("unsubscribing", e))?;
    tracing::info!(forget, "unsubscribed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::testing;

    async fn outbox_links(state: &AppState) -> Vec<String> {
        let rows: Vec<String> = crate::db::on_pool!(&state.db, pool => {
            sqlx::query_scalar("SELECT text_body FROM outbox WHERE kind = 'subscription' ORDER BY id")
                .fetch_all(pool)
                .await
        })
        .unwrap();
        rows.iter()
            .filter_map(|t| t.split("/subscribe/confirm/").nth(1))
            .map(|rest| rest.chars().take(64).collect())
            .collect()
    }

    #[tokio::test]
    async fn a_link_confirms_once_and_the_answer_never_tells() {
        let state = testing::state_with_mail().await;
        let visitor = Caller::Visitor;
        let email = Email::parse("ada@example.com").unwrap();
        send_link(&state, &email, "https://blog.example")
            .await
            .unwrap();
        let token = outbox_links(&state).await.pop().unwrap();
        let now = db::now();
        assert_eq!(
            check_confirmation(&state, &token, now).await.unwrap(),
            "a•••@example.com"
        );
        confirm(&state, &token, now).await.unwrap();
        assert!(confirm(&state, &token, now).await.is_err(), "used once");
        assert_eq!(
            db::subscribers::count_confirmed(&state.db).await.unwrap(),
            1
        );

        // Asking again for a confirmed address queues nothing, and answers the same.
        send_link(&state, &email, "https://blog.example")
            .await
            .unwrap();
        assert_eq!(outbox_links(&state).await.len(), 1);
        let answer = subscribe(&state, &visitor, "1.2.3.4", "ada@example.com").await;
        assert_eq!(answer.unwrap(), Subscribed::LinkSent);
    }

    #[tokio::test]
    async fn a_link_expires_after_a_week() {
        let state = testing::state_with_mail().await;
        let email = Email::parse("late@example.com").unwrap();
        send_link(&state, &email, "https://blog.example")
            .await
            .unwrap();
        let token = outbox_links(&state).await.pop().unwrap();
        let later = db::now() + TimeDelta::days(8);
        assert!(confirm(&state, &token, later).await.is_err());
        assert_eq!(
            db::subscribers::count_confirmed(&state.db).await.unwrap(),
            0
        );
    }

    #[tokio::test]
    async fn without_mail_nothing_is_taken() {
        let state = testing::state().await;
        let refused = subscribe(&state, &Caller::Visitor, "1.2.3.4", "ada@example.com").await;
        assert!(refused
            .unwrap_err()
            .to_string()
            .contains("cannot send mail"));
        assert!(!offer(&state, &Caller::Visitor).available);
    }
}
