//! Sessions: the cookie that carries one, and the layers that load it and the logged-in user
//! (tower-sessions with Quire's store, axum-login with Quire's user backend).

use std::sync::Arc;

use app::auth::{SessionStore, Users};
use app::db::Db;
use app::freshness::Freshness;
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder};
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::startup::config::SessionSettings;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "quire_session";

/// Whether a request carries a session cookie (a logged-in reader, or one who was).
pub fn has_session_cookie(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .any(|cookie| cookie.trim().split('=').next() == Some(SESSION_COOKIE))
}

/// The session and login layers. Starts the background deletion of expired sessions (every
/// instance may do it).
pub fn layers(
    db: &Db,
    freshness: Arc<Freshness>,
    settings: &SessionSettings,
) -> AuthManagerLayer<Users, SessionStore> {
    let store = SessionStore::new(db, freshness.clone());
    tokio::spawn(
        store
            .clone()
            .continuously_delete_expired(std::time::Duration::from_secs(3600)),
    );
    let idle = tower_sessions::cookie::time::Duration::try_from(settings.idle_timeout)
        .unwrap_or(tower_sessions::cookie::time::Duration::days(7));
    let sessions = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookie)
        .with_expiry(Expiry::OnInactivity(idle));
    AuthManagerLayerBuilder::new(Users::new(db.clone(), freshness), sessions).build()
}
