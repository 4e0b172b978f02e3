//! The Content-Security-Policy of every page, set while the page renders because it names
//! the page's nonce: the hydration scripts Leptos writes inline carry that nonce, and no
//! other inline script — say one smuggled into a comment — can run.

/// The policy for a page whose inline scripts carry `nonce`. `dev_reload` allows the
/// websocket of `cargo leptos watch`'s live reload.
pub fn page_policy(nonce: &str, dev_reload: bool) -> String {
    let connect = if dev_reload {
        "'self' ws: wss:"
    } else {
        "'self'"
    };
    [
        "default-src 'self'".to_owned(),
        // The nonce'd module script imports the client, which instantiates its WASM.
        format!("script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'"),
        "style-src 'self'".to_owned(),
        // Avatars (Gravatar) and images that posts link to.
        "img-src 'self' https: data:".to_owned(),
        format!("connect-src {connect}"),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

/// Sets the policy on the response of the page being rendered (server only).
#[cfg(feature = "ssr")]
pub fn set_for_page() {
    use leptos::prelude::*;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // Live reload only exists in the debug builds `cargo leptos watch` makes.
    let dev_reload = cfg!(debug_assertions);
    if let Ok(value) = axum::http::HeaderValue::from_str(&page_policy(&nonce, dev_reload)) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_the_nonce_and_nothing_is_inline() {
        let policy = page_policy("abc123", false);
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("connect-src 'self';"));
        assert!(page_policy("abc123", true).contains("connect-src 'self' ws: wss:"));
    }
}
