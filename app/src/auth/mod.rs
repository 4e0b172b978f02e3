//! Server-only account machinery: password hashing, the session store, the login backend
//! used by axum-login, rate limits, and imported Flask password hashes.

mod backend;
pub mod devices;
mod kept;
pub mod password;
pub mod rate_limit;
pub mod reset_token;
pub mod stand_in;
mod store;
pub mod two_factor;
pub mod werkzeug;

pub use crate::domain::SessionUser;
pub use backend::{check_credentials, Credentials, Users};
pub use store::SessionStore;

/// What the database keeps of a token or code that is only ever checked, never shown again:
/// its SHA-256, in hex (a leaked table opens nothing).
pub fn digest_hex(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The axum-login session of the current request.
pub type AuthSession = axum_login::AuthSession<Users>;

/// Logs `user` in under a new session id, even over an existing session, so that an id an
/// attacker planted or saw before is worth nothing afterwards. The session notes the browser
/// and address it began from, for its owner's list of sessions.
pub async fn start_session(
    session: &mut AuthSession,
    user: &SessionUser,
    user_agent: &str,
    address: &str,
) -> Result<(), crate::error::AppError> {
    let failed =
        |e: &dyn std::fmt::Display| crate::error::AppError::internal("starting a session", e);
    let earlier = devices::current(&session.session).await;
    let device = devices::begin(earlier, user.id, user_agent, address, crate::db::now());
    session.session.cycle_id().await.map_err(|e| failed(&e))?;
    session.login(user).await.map_err(|e| failed(&e))?;
    session
        .session
        .insert(devices::KEY, device)
        .await
        .map_err(|e| failed(&e))
}
