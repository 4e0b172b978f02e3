//! Email verification: new accounts get a link that proves they read their address, which
//! they need before commenting (`QUIRE_VERIFY_EMAIL`); a changed address takes effect only
//! through a link sent to it, and the old one is told. Needs mail: without SMTP settings and
//! a public URL, verification is off, and an address changes at once.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::auth::rate_limit::Policy;
use crate::auth::reset_token::ResetToken;
use crate::auth::SessionUser;
use crate::db::{self, email_links::Redeemed, outbox::NewMail};
use crate::domain::{AccountEmail, Email, EmailVerification};
use crate::error::AppError;
use crate::state::AppState;

use super::{admit, confirm_password, Caller};

/// How long a link works.
const VALID_FOR: TimeDelta = TimeDelta::hours(48);

/// Links mailed to one account (new ones, again, or for a changed address).
pub const PER_ACCOUNT: Policy = Policy {
    scope: "email-link",
    free: 3,
    window: Duration::from_secs(60 * 60),
    first_wait: Duration::from_secs(5 * 60),
    max_wait: Duration::from_secs(60 * 60),
};

/// What a commenter who has not verified is told.
pub const VERIFY_TO_COMMENT: &str = "Confirm your email address to comment: open the link we \
     mailed you, or have it sent again from your account page.";
/// A link that is expired, used, replaced by a newer one, or never was.
pub const EMAIL_LINK_DEAD: &str = "This link does not work any more: links work once, for 48 \
     hours, and only the newest one. Have a new one sent from your account page.";

/// Whether this blog verifies addresses, and if not, why.
pub fn mode(state: &AppState) -> EmailVerification {
    if !state.site.verify_email {
        EmailVerification::OffBySetting
    } else if super::resets::by_mail(state).is_none() {
        EmailVerification::OffWithoutMail
    } else {
        EmailVerification::On
    }
}

/// Whether `user` may comment as far as verification goes.
pub async fn may_comment(state: &AppState, caller: &Caller) -> Result<bool, AppError> {
    let Some(user) = caller.user() else {
        return Ok(false);
    };
    if caller.is_admin() || mode(state) != EmailVerification::On {
        return Ok(true);
    }
    let (verified, _) = db::email_links::status(&state.db, user.id)
        .await
        .map_err(|e| AppError::from_db("reading an account", e))?;
    Ok(verified)
}

/// The account page's email section.
pub async fn account_email(state: &AppState, caller: &Caller) -> Result<AccountEmail, AppError> {
    let user = caller.require_user()?;
    let (verified, changing_to) = db::email_links::status(&state.db, user.id)
        .await
        .map_err(|e| AppError::from_db("reading an account", e))?;
    Ok(AccountEmail {
        email: user.email.clone(),
        verified,
        changing_to,
        mode: mode(state),
    })
}

/// Mails a newly registered account its link (when verification is on). A failure is
/// logged, not the registration's: the link can be sent again from the account page.
pub async fn welcome(state: &AppState, user: &SessionUser) {
    if mode(state) != EmailVerification::On {
        return;
    }
    if let Err(e) = send_link(state, user, &user.email, None).await {
        tracing::warn!(user.id = user.id, error = %e, "could not queue a verification link");
    }
}

/// Sends the caller's verification link again.
pub async fn resend(state: &AppState, caller: &Caller) -> Result<(), AppError> {
    let user = caller.require_user()?;
    if mode(state) != EmailVerification::On {
        return Err(AppError::BadRequest(
            "This blog does not verify addresses.".into(),
        ));
    }
    let (verified, _) = db::email_links::status(&state.db, user.id)
        .await
        .map_err(|e| AppError::from_db("reading an account", e))?;
    if verified {
        return Err(AppError::BadRequest(
            "Your address is confirmed already.".into(),
        ));
    }
    let limits = [(PER_ACCOUNT, user.email.as_str())];
    let _counted = admit(
        state,
        &limits,
        "Too many links asked for.",
        "sending a link",
    )
    .await?;
    send_link(state, user, &user.email, None)
        .await
        .map_err(|e| AppError::from_db("sending a link", e))
}

/// Changes the caller's address (the password confirms it). With verification on, a link
/// goes to the new address and the change waits for it; the old address is told. Without,
/// the address changes at once. Returns whether it changed already.
pub async fn change(
    state: &AppState,
    caller: &Caller,
    new_email: &str,
    typed_password: &str,
) -> Result<bool, AppError> {
    let user = caller.require_user()?;
    let echo = [("new_email", new_email)];
    let email = Email::parse(new_email)
        .map_err(|m| AppError::invalid("new_email", m).with_values(&echo))?;
    let wrong = "That is not your password.";
    confirm_password(state, user, typed_password, "email_password", wrong)
        .await
        .map_err(|e| e.with_values(&echo))?;
    if email.as_str() == user.email {
        return Err(
            AppError::invalid("new_email", "That is your address already.").with_values(&echo),
        );
    }
    let taken =
        || AppError::conflict("new_email", "Another account has that address.").with_values(&echo);
    let db_err = |e| AppError::from_db("changing an address", e);
    if db::users::id_by_email(&state.db, &email)
        .await
        .map_err(db_err)?
        .is_some()
    {
        return Err(taken());
    }
    if mode(state) != EmailVerification::On {
        if !db::email_links::change_unverified(&state.db, user.id, email.as_str())
            .await
            .map_err(db_err)?
        {
            return Err(taken());
        }
        tracing::info!(
            user.id = user.id,
            "email address changed (no mail to verify it)"
        );
        return Ok(true);
    }
    let limits = [(PER_ACCOUNT, user.email.as_str())];
    let _counted = admit(
        state,
        &limits,
        "Too many links asked for.",
        "sending a link",
    )
    .await?;
    send_link(state, user, email.as_str(), Some(&user.email))
        .await
        .map_err(db_err)?;
    Ok(false)
}

/// Queues the link proving `address` for `user` (and, for a change, a notice to the address
/// it replaces), replacing the account's earlier link.
async fn send_link(
    state: &AppState,
    user: &SessionUser,
    address: &str,
    old_address: Option<&str>,
) -> Result<(), sqlx::Error> {
    let Some(base_url) = super::resets::by_mail(state) else {
        return Ok(());
    };
    let token = ResetToken::generate();
    let link = format!("{base_url}/verify-email/{}", token.as_str());
    let name = &user.name;
    let (subject, text, html) = if old_address.is_some() {
        (
            "Confirm your new address",
            format!(
                "Hello {name},\n\nTo make this your account's address on {base_url}, open this \
                 link within 48 hours:\n\n{link}\n\nUntil then your account keeps its old \
                 address. If you did not ask for this, ignore this mail.\n"
            ),
            format!(
                "<p>Hello {},</p><p>To make this your account's address on {base_url}, open \
                 this link within 48 hours:</p><p><a href=\"{link}\">Confirm this address</a></p>\
                 <p>Until then your account keeps its old address. If you did not ask for this, \
                 ignore this mail.</p>",
                html_escape::encode_text(name)
            ),
        )
    } else {
        (
            "Confirm your email address",
            format!(
                "Hello {name},\n\nWelcome to {base_url}. To confirm that this is your address, \
                 open this link within 48 hours:\n\n{link}\n\nIf you did not make an account, \
                 ignore this mail.\n"
            ),
            format!(
                "<p>Hello {},</p><p>Welcome to {base_url}. To confirm that this is your \
                 address, open this link within 48 hours:</p><p><a href=\"{link}\">Confirm my \
                 address</a></p><p>If you did not make an account, ignore this mail.</p>",
                html_escape::encode_text(name)
            ),
        )
    };
    let mut mails = vec![NewMail {
        kind: "verify-email",
        recipient: address,
        reply_to: None,
        subject,
        text_body: &text,
        html_body: Some(&html),
        message_id: None,
        list_unsubscribe: None,
    }];
    let notice = format!(
        "Hello {name},\n\nSomeone (we hope you) asked to change your account's address on \
         {base_url} to {address}. It changes once that address confirms it. If it was not you, \
         log in and change your password.\n"
    );
    let notice_html = format!(
        "<p>Hello {},</p><p>Someone (we hope you) asked to change your account's address on \
         {base_url} to {}. It changes once that address confirms it. If it was not you, log in \
         and change your password.</p>",
        html_escape::encode_text(name),
        html_escape::encode_text(address)
    );
    if let Some(old) = old_address {
        mails.push(NewMail {
            kind: "email-change-notice",
            recipient: old,
            reply_to: None,
            subject: "Your address is being changed",
            text_body: &notice,
            html_body: Some(&notice_html),
            message_id: None,
            list_unsubscribe: None,
        });
    }
    let expires_at = db::now() + VALID_FOR;
    db::email_links::create(
        &state.db,
        user.id,
        &token.hash(),
        address,
        expires_at,
        &mails,
    )
    .await?;
    tracing::info!(user.id = user.id, "email verification link queued");
    if let Some(mailer) = &state.mailer {
        mailer.wake();
    }
    Ok(())
}

/// The address a link would confirm, for its page; a dead link is a 404 saying so.
pub async fn check(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<String, AppError> {
    let dead = || AppError::NotFound(EMAIL_LINK_DEAD.into());
    let token = ResetToken::parse(token).ok_or_else(dead)?;
    db::email_links::address_of(&state.db, &token.hash(), now)
        .await
        .map_err(|e| AppError::from_db("reading an email link", e))?
        .map(|(_, email)| email)
        .ok_or_else(dead)
}

/// Uses a link at `now`: its address becomes its account's, verified. Anyone holding the
/// link may (it proves the address, not a session).
pub async fn confirm(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let dead = || AppError::NotFound(EMAIL_LINK_DEAD.into());
    let token = ResetToken::parse(token).ok_or_else(dead)?;
    match db::email_links::redeem(&state.db, &token.hash(), now)
        .await
        .map_err(|e| AppError::from_db("confirming an address", e))?
    {
        Redeemed::Dead => Err(dead()),
        Redeemed::Taken => Err(AppError::conflict(
            "token",
            "Another account has taken that address since the link was sent.",
        )),
        Redeemed::Verified { user_id, changed } => {
            tracing::info!(user.id = user_id, changed, "email address confirmed");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::testing;

    async fn link(state: &AppState, user: &SessionUser, address: &str) -> ResetToken {
        let token = ResetToken::generate();
        let expires_at = db::now() + VALID_FOR;
        db::email_links::create(&state.db, user.id, &token.hash(), address, expires_at, &[])
            .await
            .unwrap();
        token
    }

    #[tokio::test]
    async fn a_link_confirms_its_address_once_within_48_hours() {
        let state = testing::state().await;
        let ada = testing::user(&state, "Ada", Role::Reader).await;
        let token = link(&state, &ada, &ada.email).await;
        let later = db::now() + TimeDelta::hours(49);
        assert_eq!(
            confirm(&state, token.as_str(), later)
                .await
                .unwrap_err()
                .to_string(),
            EMAIL_LINK_DEAD
        );
        assert_eq!(
            check(&state, token.as_str(), db::now()).await.unwrap(),
            ada.email
        );
        confirm(&state, token.as_str(), db::now()).await.unwrap();
        let again = confirm(&state, token.as_str(), db::now()).await;
        assert!(matches!(again, Err(AppError::NotFound(_))));
        let (verified, _) = db::email_links::status(&state.db, ada.id).await.unwrap();
        assert!(verified);
    }

    #[tokio::test]
    async fn a_changed_address_takes_effect_through_its_link_unless_taken_meanwhile() {
        let state = testing::state().await;
        let ada = testing::user(&state, "Ada", Role::Reader).await;
        let token = link(&state, &ada, "ada@new.example").await;
        let (_, changing_to) = db::email_links::status(&state.db, ada.id).await.unwrap();
        assert_eq!(changing_to.as_deref(), Some("ada@new.example"));
        confirm(&state, token.as_str(), db::now()).await.unwrap();
        let user = db::users::by_id(&state.db, ada.id).await.unwrap().unwrap();
        assert_eq!(user.email, "ada@new.example");

        let bob = testing::user(&state, "Bob", Role::Reader).await;
        let token = link(&state, &bob, "carol@example.test").await;
        testing::user(&state, "Carol", Role::Reader).await;
        let err = confirm(&state, token.as_str(), db::now())
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
        let user = db::users::by_id(&state.db, bob.id).await.unwrap().unwrap();
        assert_eq!(user.email, "bob@example.test");
    }

    #[tokio::test]
    async fn malformed_and_unknown_links_are_dead() {
        let state = testing::state().await;
        for token in ["", "abc", &"0".repeat(64)] {
            let err = check(&state, token, db::now()).await.unwrap_err();
            assert_eq!(err.to_string(), EMAIL_LINK_DEAD, "{token}");
        }
    }

    #[tokio::test]
    async fn without_mail_verification_is_off_and_nobody_is_held_back() {
        let state = testing::state().await;
        assert_eq!(mode(&state), EmailVerification::OffWithoutMail);
        let ada = Caller::from_user(Some(testing::user(&state, "Ada", Role::Reader).await));
        assert!(may_comment(&state, &ada).await.unwrap());
        assert!(!may_comment(&state, &Caller::Visitor).await.unwrap());
    }
}
