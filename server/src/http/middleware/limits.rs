//! Request limits: how large a request's body may be, and what a request that took too long
//! is answered.
//!
//! Body limits are small for the forms readers send, larger for the editor, whose post
//! body may hold 100,000 characters, and largest for image uploads. A body over its limit is refused with 413 before any of
//! it is parsed (by its Content-Length) or as soon as it grows past the limit (streamed).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Login, registration, comments, contact, settings.
pub const FORM_LIMIT: usize = 64 * 1024;
/// The editor's endpoints and the About page's (both take 100,000 characters of Markdown):
/// room for long posts, form-encoded.
pub const EDITOR_LIMIT: usize = 2 * 1024 * 1024;
/// An image upload (`/api/images`): the largest image accepted plus room for the multipart
/// form around it. A file over the image limit inside a body under this one is refused with
/// 413 by the upload itself.
pub const IMAGE_REQUEST_LIMIT: usize = app::domain::IMAGE_MAX_BYTES + 64 * 1024;

/// A subscriber list (`/admin/subscribers/import`): some 150,000 addresses.
pub const LIST_REQUEST_LIMIT: usize = 8 * 1024 * 1024;

fn limit_for(path: &str) -> usize {
    match path {
        "/api/posts/create"
        | "/api/posts/update"
        | "/api/posts/autosave"
        | "/api/posts/preview"
        | "/api/about/update" => EDITOR_LIMIT,
        "/api/images" => IMAGE_REQUEST_LIMIT,
        "/admin/subscribers/import" => LIST_REQUEST_LIMIT,
        _ => FORM_LIMIT,
    }
}

pub async fn limit_bodies(request: Request, next: Next) -> Response {
    let limit = limit_for(request.uri().path());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large(limit);
    }
    // Read whole here (bodies are small), so a streamed body over the limit is a 413 too,
    // rather than an error deep inside whichever handler first reads it.
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(e) if is_length_limit(&e) => too_large(limit),
        Err(e) => {
            tracing::debug!(error = %e, "could not read a request body");
            (
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            )
                .into_response()
        }
    }
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The answer to a request that was not done within its time (tower's `TimeoutLayer`, see
/// `http::router`) — a client trickling its body, or a database that stopped answering — so
/// neither holds a connection and a task forever: 503. Dropping the handler rolled back any
/// transaction it had open.
pub async fn timed_out(error: tower::BoxError) -> Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        tracing::warn!("request timed out");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "5")],
            "The server took too long to answer. Please try again.",
        )
            .into_response()
    } else {
        tracing::error!(%error, "request failed in a middleware");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
}

/// A 413 that also closes the connection: the rest of the body is never read, so the
/// connection cannot carry another request, and the client must not try.
fn too_large(limit: usize) -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONNECTION, "close")],
        format!(
            "The request is too large (the limit here is {} KiB).",
            limit / 1024
        ),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_editor_takes_large_bodies() {
        assert_eq!(limit_for("/api/posts/update"), EDITOR_LIMIT);
        assert_eq!(limit_for("/api/about/update"), EDITOR_LIMIT);
        assert_eq!(limit_for("/api/login"), FORM_LIMIT);
        assert_eq!(limit_for("/api/comments/add"), FORM_LIMIT);
        assert_eq!(limit_for("/api/posts/update/../../login"), FORM_LIMIT);
        assert_eq!(limit_for("/api/images"), IMAGE_REQUEST_LIMIT);
        assert_eq!(limit_for("/api/images/x"), FORM_LIMIT);
    }
}
