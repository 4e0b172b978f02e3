//! Server functions: the browser's API. Each one is a public HTTP endpoint, thin: it finds
//! out who is asking (and, for rate limits, from where), calls one function of `service`,
//! which holds the rules, and turns its answer into a response. Every one is a POST (the
//! default encoding): none changes state on a GET.

mod account;
mod auth;
mod editor;
mod moderation;
mod pages;
mod posts;
mod reading;
mod resets;
mod revisions;
mod search;
mod sessions;
mod site;
mod subscriptions;
mod team;
mod two_factor;
mod verification;

pub use account::*;
pub use auth::*;
pub use editor::*;
pub use moderation::*;
pub use pages::*;
pub use posts::*;
pub use reading::*;
pub use resets::*;
pub use revisions::*;
pub use search::*;
pub use sessions::*;
pub use site::*;
pub use subscriptions::*;
pub use team::*;
pub use two_factor::*;
pub use verification::*;

#[cfg(feature = "ssr")]
mod guard {
    use crate::auth::{AuthSession, SessionUser};
    use crate::error::AppError;
    use crate::service::Caller;
    use crate::state::AppState;

    /// Runs a server function's body with the shared state and who is asking, and answers
    /// its error as [`respond`] does.
    pub async fn serve<T>(
        work: impl AsyncFnOnce(&AppState, &Caller) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        respond(
            async {
                let state = state()?;
                let caller = Caller::on_site(auth_session().await?.user, &state.site);
                work(&state, &caller).await
            }
            .await,
        )
    }

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
        if plain_form_post() {
            return result;
        }
        if let Err(err) = &result {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(err.status());
            }
        }
        result
    }

    /// Whether this call is a plain HTML form post to a server function (a browser without
    /// JavaScript), which is answered with a redirect rather than a value.
    pub fn plain_form_post() -> bool {
        leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|parts| {
            parts.uri.path().starts_with("/api/")
                && parts
                    .headers
                    .get(axum::http::header::ACCEPT)
                    .and_then(|a| a.to_str().ok())
                    .is_some_and(|a| a.contains("text/html"))
        })
    }

    /// Where the browser goes once a form's post succeeded: the form's page, with a note to
    /// show (`?saved=…`) or at the part that changed. A plain form post is redirected there;
    /// a script calling the function gets its value, with the address in a header.
    pub fn land_on(path: &str) {
        // A slug may hold letters outside ASCII, and a header may not: percent-encode them
        // (and spaces or controls, which no path of ours has) as the browser would.
        const NOT_IN_A_HEADER: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');
        let encoded = percent_encoding::utf8_percent_encode(path, NOT_IN_A_HEADER);
        leptos_axum::redirect(&encoded.to_string());
    }

    pub async fn auth_session() -> Result<AuthSession, AppError> {
        leptos_axum::extract::<AuthSession>()
            .await
            .map_err(|e| AppError::internal("reading the session", format!("{e:?}")))
    }

    /// Logs `user` in under a new session id, even over an existing session, so that an id
    /// an attacker planted or saw before is worth nothing afterwards.
    pub async fn start_session(user: &SessionUser) -> Result<(), AppError> {
        let mut session = auth_session().await?;
        let state = state()?;
        let address = client_address(state.site.trust_forwarded_for).await;
        let headers = leptos_axum::extract::<axum::http::HeaderMap>().await;
        let user_agent = headers
            .ok()
            .and_then(|h| h.get(axum::http::header::USER_AGENT).cloned())
            .and_then(|v| v.to_str().ok().map(str::to_owned))
            .unwrap_or_default();
        crate::auth::start_session(&mut session, user, &user_agent, &address).await
    }

    /// Logs `user` in here, as [`start_session`] does, and ends every other session of the
    /// account: after a new password, or two-factor sign-in turned on or off. (Those sessions
    /// no longer match the account anyway; this also takes them off its list.)
    pub async fn renew_session(state: &AppState, user: &SessionUser) -> Result<(), AppError> {
        start_session(user).await?;
        let keep = session_handle().await?;
        crate::db::sessions::end_all_but(&state.db, user.id, keep.as_deref())
            .await
            .map(|_| ())
            .map_err(|e| AppError::from_db("ending other sessions", e))
    }

    /// This browser's session's handle in its owner's list of sessions, if it has one.
    pub async fn session_handle() -> Result<Option<String>, AppError> {
        let session = auth_session().await?;
        Ok(crate::auth::devices::current(&session.session)
            .await
            .map(|d| d.handle))
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
