//! Refuses state-changing requests that come from another site.
//!
//! Leptos' server functions are plain POST endpoints and ship no CSRF token. Browsers tell us
//! where a request comes from: `Sec-Fetch-Site` (all current browsers) and `Origin` (sent with
//! every cross-origin request and with same-origin POSTs). A write is refused when either
//! says it is not from this site — this covers login CSRF too. Requests without either header
//! do not come from a browser page, so they carry no victim's cookies to abuse. The session
//! cookie's `SameSite=Lax` is the second line of defence.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Origins accepted besides the request's own `Host` (e.g. the public URL behind a proxy).
#[derive(Debug, Clone, Default)]
pub struct TrustedOrigins(pub Vec<String>);

pub async fn refuse_cross_site(
    State(trusted): State<TrustedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe_method(request.method()) || is_same_site(request.headers(), &trusted) {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "refused a cross-site request");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn is_same_site(headers: &HeaderMap, trusted: &TrustedOrigins) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none": typed in the address bar or a bookmark — the user's own doing.
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return false;
        }
    }
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        None => true,
        Some(Ok(origin)) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            (authority.is_some()
                && authority.map(str::to_ascii_lowercase) == host.map(str::to_ascii_lowercase))
                || trusted.0.iter().any(|t| t.eq_ignore_ascii_case(origin))
        }
        Some(Err(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn same_origin_requests_pass() {
        let none = TrustedOrigins::default();
        assert!(is_same_site(
            &headers(&[("host", "blog.example"), ("origin", "https://blog.example")]),
            &none
        ));
        assert!(is_same_site(
            &headers(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000"),
                ("sec-fetch-site", "same-origin")
            ]),
            &none
        ));
        assert!(
            is_same_site(&headers(&[("host", "blog.example")]), &none),
            "no browser headers"
        );
    }

    #[test]
    fn other_origins_are_refused() {
        let none = TrustedOrigins::default();
        assert!(!is_same_site(
            &headers(&[("host", "blog.example"), ("origin", "https://evil.example")]),
            &none
        ));
        assert!(!is_same_site(
            &headers(&[("host", "blog.example"), ("origin", "null")]),
            &none
        ));
        assert!(!is_same_site(
            &headers(&[("host", "blog.example"), ("sec-fetch-site", "cross-site")]),
            &none
        ));
        assert!(!is_same_site(
            &headers(&[("host", "blog.example"), ("sec-fetch-site", "same-site")]),
            &none
        ));
        assert!(
            !is_same_site(&headers(&[("origin", "https://blog.example")]), &none),
            "no host to compare"
        );
    }

    #[test]
    fn trusted_origins_pass() {
        let trusted = TrustedOrigins(vec!["https://blog.example".into()]);
        assert!(is_same_site(
            &headers(&[
                ("host", "internal:8080"),
                ("origin", "https://blog.example")
            ]),
            &trusted
        ));
    }
}
