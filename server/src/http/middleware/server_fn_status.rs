//! Server-function errors raised before the function runs get their own status.

use app::error::AppError;
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// Gives server-function errors raised before the function runs (undecodable arguments)
/// the status their `AppError` names, instead of server_fn's blanket 500. Errors returned
/// by the functions themselves already carry their status.
pub async fn server_fn_error_status(response: Response) -> Response {
    const LIMIT: usize = 64 * 1024;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LIMIT).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = err.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}
