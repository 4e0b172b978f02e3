//! Password resets: a link by mail (or printed by `quire admin reset-password`), valid for 30
//! minutes and once; using it sets the new password, which ends the account's other sessions
//! (they are bound to the password hash) and logs this browser in.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::auth::rate_limit::Policy;
use crate::auth::reset_token::{ResetToken, VALID_FOR};
use crate::auth::{password, SessionUser};
use crate::db::{self, outbox::NewMail};
use crate::domain::{Email, Password, LINK_DEAD, NEEDS_MAIL};
use crate::error::AppError;
use crate::state::AppState;

use super::admit;

/// Requests for links from one client address.
pub const PER_ADDRESS: Policy = Policy {
    scope: "reset-address",
    free: 5,
    window: Duration::from_secs(60 * 60),
    first_wait: Duration::from_secs(60),
    max_wait: Duration::from_secs(60 * 60),
};

/// Requests for links to one address (whether it has an account or not).
pub const PER_ACCOUNT: Policy = Policy {
    scope: "reset-account",
    free: 3,
    window: Duration::from_secs(60 * 60),
    first_wait: Duration::from_secs(5 * 60),
    max_wait: Duration::from_secs(60 * 60),
};

/// Whether links can be mailed: SMTP, and a configured public URL to start them with. Never
/// the request's Host: whoever asks for a reset could name their own host, and the owner of
/// the account would get a link that hands the token to them.
pub fn by_mail(state: &AppState) -> Option<&str> {
    state.mailer.as_ref()?;
    state.site.public_url.as_deref()
}

/// Asks for a link for `email`. The answer does not depend on whether an account has the
/// address, and neither does its time: looking the account up, making the token and queuing
/// the mail happen after the answer, in a task of their own.
pub async fn request(state: &AppState, address: &str, email: &str) -> Result<(), AppError> {
    let Some(base_url) = by_mail(state).map(str::to_owned) else {
        return Err(AppError::invalid("email", NEEDS_MAIL));
    };
    let email = Email::parse(email)
        .map_err(|m| AppError::invalid("email", m).with_values(&[("email", email)]))?;
    let limits = [(PER_ADDRESS, address), (PER_ACCOUNT, email.as_str())];
    let too_many = "Too many password reset requests.";
    let _counted = admit(state, &limits, too_many, "asking for a password reset").await?;
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = send_link(&state, &email, &base_url).await {
            tracing::warn!(error = %e, "could not queue a password reset link");
        }
    });
    Ok(())
}

async fn send_link(state: &AppState, email: &Email, base_url: &str) -> Result<(), sqlx::Error> {
    let Some(user) = db::users::by_email(&state.db, email).await? else {
        tracing::info!("password reset asked for an address with no account");
        return Ok(());
    };
    let (token, expires_at) = new_token();
    let link = format!("{base_url}/reset-password/{}", token.as_str());
    let text = format!(
        "Hello {},\n\nSomeone (we hope you) asked to set a new password for your account on \
         {base_url}.\nOpen this link within 30 minutes to choose one:\n\n{link}\n\nIf it was \
         not you, ignore this mail: your password stays as it is.\n",
        user.name
    );
    let html = format!(
        "<p>Hello {},</p><p>Someone (we hope you) asked to set a new password for your \
         account on {base_url}. Open this link within 30 minutes to choose one:</p>\
         <p><a href=\"{link}\">Choose a new password</a></p><p>If it was not you, ignore this \
         mail: your password stays as it is.</p>",
        html_escape::encode_text(&user.name)
    );
    let mail = NewMail {
        kind: "password-reset",
        recipient: &user.email,
        reply_to: None,
        subject: "Set a new password",
        text_body: &text,
        html_body: Some(&html),
        message_id: None,
        list_unsubscribe: None,
    };
    db::resets::create(&state.db, user.id, &token.hash(), expires_at, Some(&mail)).await?;
    tracing::info!(user.id = user.id, "password reset link queued");
    if let Some(mailer) = &state.mailer {
        mailer.wake();
    }
    Ok(())
}

fn new_token() -> (ResetToken, DateTime<Utc>) {
    let expires_at = db::now() + TimeDelta::from_std(VALID_FOR).unwrap_or(TimeDelta::MAX);
    (ResetToken::generate(), expires_at)
}

/// A one-time link for the account with `email`, for the admin to hand over (no mail is
/// sent). `None`: no such account.
pub async fn admin_link(
    db: &db::Db,
    email: &Email,
    base_url: &str,
) -> Result<Option<String>, sqlx::Error> {
    let Some(user) = db::users::by_email(db, email).await? else {
        return Ok(None);
    };
    let (token, expires_at) = new_token();
    db::resets::create(db, user.id, &token.hash(), expires_at, None).await?;
    tracing::info!(user.id = user.id, "password reset link made by the admin");
    Ok(Some(format!(
        "{base_url}/reset-password/{}",
        token.as_str()
    )))
}

/// Whether `token` is a link that still works (for the page to show the form or say why not).
pub async fn check(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let dead = || AppError::NotFound(LINK_DEAD.into());
    let token = ResetToken::parse(token).ok_or_else(dead)?;
    db::resets::account_of(&state.db, &token.hash(), now)
        .await
        .map_err(|e| AppError::from_db("reading a password reset link", e))?
        .map(|_| ())
        .ok_or_else(dead)
}

/// Sets a new password with `token`, at `now`, and returns the account to log in.
pub async fn reset(
    state: &AppState,
    token: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<SessionUser, AppError> {
    let dead = || AppError::NotFound(LINK_DEAD.into());
    let token = ResetToken::parse(token).ok_or_else(dead)?;
    // A dead link costs no password hashing.
    check(state, token.as_str(), now).await?;
    let new_password =
        Password::parse(new_password).map_err(|m| AppError::invalid("password", m))?;
    let hash = password::hash(&new_password)
        .await
        .map_err(|e| AppError::internal("hashing a password", e))?;
    let db_err = |e| AppError::from_db("resetting a password", e);
    let user_id = db::resets::redeem(&state.db, &token.hash(), now, &hash)
        .await
        .map_err(db_err)?
        .ok_or_else(dead)?;
    tracing::info!(user.id = user_id, "password reset");
    db::users::by_id(&state.db, user_id)
        .await
        .map_err(db_err)?
        .ok_or_else(dead)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::testing;

    async fn link_for(state: &AppState, email: &str) -> String {
        let email = Email::parse(email).unwrap();
        let link = admin_link(&state.db, &email, "https://blog.example")
            .await
            .unwrap();
        link.unwrap().rsplit('/').next().unwrap().to_owned()
    }

    #[tokio::test]
    async fn a_link_works_once_and_sets_the_password() {
        let state = testing::state().await;
        let ada = testing::user(&state, "Ada", Role::Reader).await;
        let token = link_for(&state, &ada.email).await;
        check(&state, &token, db::now()).await.unwrap();
        let user = reset(&state, &token, "a new long password", db::now())
            .await
            .unwrap();
        assert_eq!(user.id, ada.id);
        assert!(password::verify("a new long password", &user.password_hash).await);
        let again = reset(&state, &token, "another long password", db::now()).await;
        assert_eq!(again.unwrap_err().to_string(), LINK_DEAD);
        assert!(check(&state, &token, db::now()).await.is_err());
    }

    #[tokio::test]
    async fn a_link_expires_after_30_minutes() {
        let state = testing::state().await;
        let ada = testing::user(&state, "Ada", Role::Reader).await;
        let token = link_for(&state, &ada.email).await;
        let later = db::now() + TimeDelta::minutes(31);
        assert!(check(&state, &token, later).await.is_err());
        let late = reset(&state, &token, "a new long password", later).await;
        assert_eq!(late.unwrap_err().to_string(), LINK_DEAD);
        // Still unused: within the half hour it works.
        let soon = db::now() + TimeDelta::minutes(29);
        reset(&state, &token, "a new long password", soon)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_newer_link_or_a_password_change_ends_the_older_one() {
        let state = testing::state().await;
        let ada = testing::user(&state, "Ada", Role::Reader).await;
        let first = link_for(&state, &ada.email).await;
        let second = link_for(&state, &ada.email).await;
        assert!(check(&state, &first, db::now()).await.is_err());
        check(&state, &second, db::now()).await.unwrap();
        db::users::set_password_hash(&state.db, ada.id, "!")
            .await
            .unwrap();
        assert!(check(&state, &second, db::now()).await.is_err());
    }

    #[tokio::test]
    async fn malformed_and_unknown_tokens_are_the_same_dead_link() {
        let state = testing::state().await;
        let never_issued = ResetToken::generate();
        for token in ["", "nope", &"0".repeat(64), never_issued.as_str()] {
            let err = check(&state, token, db::now()).await.unwrap_err();
            assert_eq!(err.to_string(), LINK_DEAD, "{token}");
        }
    }

    #[tokio::test]
    async fn without_mail_settings_the_request_says_so() {
        let state = testing::state().await;
        let err = request(&state, "1.1.1.1", "ada@example.com")
            .await
            .unwrap_err();
        assert_eq!(err.for_field("email").as_deref(), Some(NEEDS_MAIL));
    }
}
