//! Security headers on every response, and no caching of what a logged-in reader sees.
//!
//! Pages set their own Content-Security-Policy (it names the page's script nonce, see
//! `app::csp`); everything else — server-function replies, files, errors — gets a policy that
//! allows nothing to run.

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::session::has_session_cookie;

/// For responses that are not pages: nothing may load, run or frame them.
const NOT_A_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

#[derive(Clone, Copy)]
pub struct SecurityHeaders {
    /// Served over HTTPS (QUIRE_PUBLIC_URL is https): browsers may insist on it from now on.
    pub hsts: bool,
}

pub async fn add(
    State(settings): State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let logged_in = has_session_cookie(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(NOT_A_PAGE_POLICY),
        );
    }
    if settings.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // A page or reply made for a logged-in reader (their name in the header, their account,
    // the admin's inbox) must not be kept by a shared cache or the browser's history cache.
    if logged_in && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}
