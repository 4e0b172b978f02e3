//! Email verification: the account page's email section, and the mailed link's page.

use leptos::prelude::*;

use crate::domain::{AccountEmail, EmailVerification};
use crate::error::AppError;

/// The account page's `?saved=` value once a link for a new address was sent.
pub const SAVED_EMAIL_LINK: &str = "email-link";
/// The account page's `?saved=` value once the address changed (no link needed).
pub const SAVED_EMAIL: &str = "email";

/// Whether this blog verifies addresses (and if not, why).
#[server(endpoint = "email/verification")]
pub async fn verification_mode() -> Result<EmailVerification, AppError> {
    super::guard::serve(async |state, _| Ok(crate::service::verification::mode(state))).await
}

/// The logged-in user's address and whether it is verified.
#[server(endpoint = "account/email")]
pub async fn email_status() -> Result<AccountEmail, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::verification::account_email(state, caller).await
    })
    .await
}

/// Sends the logged-in user's verification link again.
#[server(endpoint = "account/email/resend")]
pub async fn resend_email_link() -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::verification::resend(state, caller).await?;
        super::guard::land_on("/account?saved=email-resent#email");
        Ok(())
    })
    .await
}

/// Changes the logged-in user's address (the password confirms it): at once, or once the
/// link mailed to the new address is opened.
#[server(endpoint = "account/email/change")]
pub async fn change_email(new_email: String, email_password: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        let service = crate::service::verification::change;
        let done = service(state, caller, &new_email, &email_password).await?;
        let saved = if done { SAVED_EMAIL } else { SAVED_EMAIL_LINK };
        super::guard::land_on(&format!("/account?saved={saved}#email"));
        Ok(())
    })
    .await
}

/// The address a mailed link confirms (404 when the link is dead).
#[server(endpoint = "email/check")]
pub async fn check_email_link(token: String) -> Result<String, AppError> {
    super::guard::serve(async |state, _| {
        crate::service::verification::check(state, &token, crate::db::now()).await
    })
    .await
}

/// Confirms the address of a mailed link.
#[server(endpoint = "email/confirm")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    super::guard::serve(async |state, _| {
        crate::service::verification::confirm(state, &token, crate::db::now()).await?;
        super::guard::land_on("/email-confirmed");
        Ok(())
    })
    .await
}
