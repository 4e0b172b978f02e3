//! Server-only account machinery: password hashing, the session store, the login backend
//! used by axum-login, rate limits, and the cross-site request guard.

mod backend;
pub mod csrf;
pub mod password;
pub mod rate_limit;
mod store;

pub use backend::{Credentials, SessionUser, Users};
pub use store::SessionStore;

/// The axum-login session of the current request.
pub type AuthSession = axum_login::AuthSession<Users>;
