//! Server functions: the browser's API. Each one is a public HTTP endpoint, so each one checks
//! its caller and input itself, then calls one `db::` function and maps the error.

mod posts;

pub use posts::*;

/// The shared state, as provided to every server function.
#[cfg(feature = "ssr")]
fn state() -> Result<crate::state::AppState, crate::error::AppError> {
    leptos::prelude::use_context::<crate::state::AppState>()
        .ok_or_else(|| crate::error::AppError::internal("reading app state", "not provided"))
}

/// Answers an error with its own HTTP status rather than the default 500.
#[cfg(feature = "ssr")]
fn respond<T>(result: Result<T, crate::error::AppError>) -> Result<T, crate::error::AppError> {
    if let Err(err) = &result {
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            let status = axum::http::StatusCode::from_u16(err.status())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            response.set_status(status);
        }
    }
    result
}
