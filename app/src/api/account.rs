use leptos::prelude::*;

use crate::domain::{CurrentUser, UserListing};
use crate::error::AppError;

/// `?saved=` values the account page shows a note for.
pub const SAVED_NAME: &str = "name";
pub const SAVED_PASSWORD: &str = "password";

/// The logged-in user's own account (401 for visitors).
#[server(endpoint = "account")]
pub async fn account() -> Result<CurrentUser, AppError> {
    super::guard::serve(async |_, caller| crate::service::accounts::account(caller)).await
}

/// Changes the logged-in user's display name.
#[server(endpoint = "account/name")]
pub async fn update_name(name: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::accounts::rename(state, caller, &name).await?;
        super::guard::land_on(&format!("/account?saved={SAVED_NAME}"));
        Ok(())
    })
    .await
}

/// Changes the logged-in user's password. Every other session of the user ends; this one
/// goes on under a new id.
#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::service::accounts;
    super::guard::serve(async |state, caller| {
        let updated =
            accounts::change_password(state, caller, &current_password, &new_password).await?;
        super::guard::renew_session(state, &updated).await?;
        super::guard::land_on(&format!("/account?saved={SAVED_PASSWORD}"));
        Ok(())
    })
    .await
}

/// Every account (admin only).
#[server(endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserListing>, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::accounts::list_users(state, caller).await
    })
    .await
}
