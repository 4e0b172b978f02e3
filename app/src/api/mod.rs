//! Server functions: the browser's API. Each one is a public HTTP endpoint, so each one checks
//! its caller and input itself, then calls one `db::` function (or one account operation) and
//! maps the error. Every one is a POST (the default encoding): none changes state on a GET.

mod account;
mod auth;
mod editor;
mod moderation;
mod posts;
mod reading;
mod search;
mod site;

pub use account::*;
pub use auth::*;
pub use editor::*;
pub use moderation::*;
pub use posts::*;
pub use reading::*;
pub use search::*;
pub use site::*;

#[cfg(feature = "ssr")]
mod guard {
    use crate::auth::{AuthSession, SessionUser};
    use crate::domain::Role;
    use crate::error::AppError;
    use crate::state::AppState;

    /// The shared state, as provided to every server function.
    pub fn state() -> Result<AppState, AppError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| AppError::internal("reading app state", "not provided"))
    }

    /// Answers an error with its own HTTP status rather than the default 500 — except to a
    /// plain HTML form post, which Leptos answers with a redirect back to the form (carrying
    /// the error), and a redirect needs its 3xx status. A failure's cause goes to the
    /// request's log line (see `error::Reports`).
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>();
        if let (Err(err), Some(parts)) = (&result, &parts) {
            if let (Some(report), Some(reports)) = (
                err.report(),
                parts.extensions.get::<crate::error::Reports>(),
            ) {
                reports.push(report.clone());
            }
        }
        if let Some(parts) = parts {
            let api_call = parts.uri.path().starts_with("/api/");
            let html_form = parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|a| a.to_str().ok())
                .is_some_and(|a| a.contains("text/html"));
            if api_call && html_form {
                return result;
            }
        }
        if let Err(err) = &result {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(err.status());
            }
        }
        result
    }

    /// Where the browser goes once a form's post succeeded: the form's page, with a note to
    /// show (`?saved=…`) or at the part that changed. A plain form post is redirected there;
    /// a script calling the function gets its value, with the address in a header.
    pub fn land_on(path: &str) {
        // A slug may hold letters outside ASCII, and a header may not: percent-encode them
        // (and spaces or controls, which no path of ours has) as the browser would.
        leptos_axum::redirect(&crate::html::percent_encode(path, |b| b.is_ascii_graphic()));
    }

    pub async fn auth_session() -> Result<AuthSession, AppError> {
        leptos_axum::extract::<AuthSession>()
            .await
            .map_err(|e| AppError::internal("reading the session", format!("{e:?}")))
    }

    /// The logged-in user, or 401.
    pub async fn require_user() -> Result<(AuthSession, SessionUser), AppError> {
        let session = auth_session().await?;
        match session.user.clone() {
            Some(user) => Ok((session, user)),
            None => Err(AppError::Unauthorized),
        }
    }

    /// The logged-in admin, or 401 (nobody logged in) / 403 (not an admin).
    pub async fn require_admin() -> Result<SessionUser, AppError> {
        let (_, user) = require_user().await?;
        if user.role == Role::Admin {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether a form came back with its honeypot field filled — by a bot, since people never
    /// see the field. Logs one line naming the form, never what was typed: the caller answers
    /// as if all went well and stores nothing.
    pub fn caught_by_honeypot(form: &'static str, value: &str) -> bool {
        let caught = crate::domain::filled_honeypot(value);
        if caught {
            tracing::warn!(form, "honeypot field filled: submission dropped");
        }
        caught
    }

    /// The client's address, for rate limits.
    pub async fn client_address(trust_forwarded_for: bool) -> String {
        use axum::extract::ConnectInfo;
        use std::net::SocketAddr;
        if trust_forwarded_for {
            if let Ok(headers) = leptos_axum::extract::<axum::http::HeaderMap>().await {
                let last = headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .rfind(|v| !v.is_empty());
                if let Some(address) = last {
                    return address.to_owned();
                }
            }
        }
        match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
            Ok(ConnectInfo(addr)) => addr.ip().to_string(),
            Err(_) => "unknown".to_owned(),
        }
    }
}
