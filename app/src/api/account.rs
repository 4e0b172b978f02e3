use leptos::prelude::*;

use crate::domain::{CurrentUser, UserListing};
use crate::error::AppError;

/// `?saved=` values the account page shows a note for.
pub const SAVED_NAME: &str = "name";
pub const SAVED_PASSWORD: &str = "password";

/// The logged-in user's own account (401 for visitors).
#[server(endpoint = "account")]
pub async fn account() -> Result<CurrentUser, AppError> {
    use super::guard;

    guard::respond(async { Ok(guard::require_user().await?.1.to_current()) }.await)
}

/// Changes the logged-in user's display name.
#[server(endpoint = "account/name")]
pub async fn update_name(name: String) -> Result<(), AppError> {
    use super::guard;
    use crate::db;
    use crate::domain::UserName;

    guard::respond(
        async {
            let state = guard::state()?;
            let (_, user) = guard::require_user().await?;
            let parsed = UserName::parse(&name)
                .map_err(|m| AppError::invalid("name", m).with_values(&[("name", &name)]))?;
            db::users::rename(&state.db, user.id, parsed.as_str())
                .await
                .map_err(|e| AppError::from_db("renaming a user", e))?;
            guard::land_on(&format!("/account?saved={SAVED_NAME}"));
            Ok(())
        }
        .await,
    )
}

/// Changes the logged-in user's password. Every other session of the user ends.
#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use super::guard;
    use crate::auth::{password as pw, rate_limit};
    use crate::db;
    use crate::domain::Password;

    guard::respond(
        async {
            let state = guard::state()?;
            let (mut session, user) = guard::require_user().await?;
            let db_err = |e| AppError::from_db("changing a password", e);
            // Guessing the current password here is a login attempt like any other.
            let limit = rate_limit::LOGIN_PER_ACCOUNT;
            if let Some(wait) = limit.check(&state.db, &user.email).await.map_err(db_err)? {
                return Err(AppError::TooManyRequests(rate_limit::retry_message(
                    "Too many wrong passwords.",
                    wait,
                )));
            }
            if !pw::verify(&current_password, &user.password_hash).await {
                limit.record(&state.db, &user.email).await.map_err(db_err)?;
                return Err(AppError::invalid(
                    "current_password",
                    "That is not your current password.",
                ));
            }
            let new =
                Password::parse(&new_password).map_err(|m| AppError::invalid("new_password", m))?;
            let hash = pw::hash(&new)
                .await
                .map_err(|e| AppError::internal("hashing a password", e))?;
            db::users::set_password_hash(&state.db, user.id, &hash)
                .await
                .map_err(db_err)?;
            // Other sessions carry the old hash and are refused from now on; this one is
            // renewed under a new id with the new hash.
            let updated = crate::auth::SessionUser {
                password_hash: hash,
                ..user
            };
            crate::auth::start_session(&mut session, &updated).await?;
            tracing::info!(user.id = updated.id, "password changed");
            guard::land_on(&format!("/account?saved={SAVED_PASSWORD}"));
            Ok(())
        }
        .await,
    )
}

/// Every account (admin only).
#[server(endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserListing>, AppError> {
    use super::guard;
    use crate::db;

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            db::users::list(&state.db)
                .await
                .map_err(|e| AppError::from_db("listing users", e))
        }
        .await,
    )
}
