//! Password resets: asking for a link, and using it.

use leptos::prelude::*;

use crate::error::AppError;

/// The forgot-password page's query parameter once a link was asked for.
pub const LINK_ASKED: &str = "sent";

/// Whether this blog can mail reset links (SMTP settings and a public URL).
#[server(endpoint = "password/by_mail")]
pub async fn resets_by_mail() -> Result<bool, AppError> {
    super::guard::serve(async |state, _| Ok(crate::service::resets::by_mail(state).is_some())).await
}

/// Mails a reset link when an account has `email`, then shows the same note either way.
#[server(endpoint = "password/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    super::guard::serve(async |state, _| {
        let address = super::guard::client_address(state.site.trust_forwarded_for).await;
        crate::service::resets::request(state, &address, &email).await?;
        super::guard::land_on(&format!("/forgot-password?{LINK_ASKED}=1"));
        Ok(())
    })
    .await
}

/// Whether a reset link still works.
#[server(endpoint = "password/check")]
pub async fn check_reset_link(token: String) -> Result<(), AppError> {
    super::guard::serve(async |state, _| {
        crate::service::resets::check(state, &token, crate::db::now()).await
    })
    .await
}

/// Sets a new password with a reset link, logs this browser in and sends it home. The
/// account's other sessions end with its old password.
#[server(endpoint = "password/reset")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    super::guard::serve(async |state, _| {
        let now = crate::db::now();
        let user = crate::service::resets::reset(state, &token, &password, now).await?;
        super::guard::renew_session(state, &user).await?;
        super::guard::land_on("/");
        Ok(())
    })
    .await
}
