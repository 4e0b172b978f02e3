//! Where a plain form post came from, to send the browser back there.

use axum::http::{header, HeaderMap};

/// The path and query of the request's `Referer` when it is a page of this site (same
/// `Host`), without its fragment. Never another site's address: only what this returns is
/// ever put in a redirect.
// Split by hand: `http::Uri` refuses the `#fragment` a Referer may carry.
pub fn same_site_referer(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !authority.eq_ignore_ascii_case(host) {
        return None;
    }
    let path = path.split('#').next().unwrap_or_default();
    Some(format!("/{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: &str, referer: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        headers.insert(header::REFERER, HeaderValue::from_str(referer).unwrap());
        headers
    }

    #[test]
    fn only_this_sites_pages_come_back() {
        let back = |host, referer| same_site_referer(&headers(host, referer));
        assert_eq!(
            back("blog.example", "https://blog.example/search?q=a#top"),
            Some("/search?q=a".into())
        );
        assert_eq!(
            back("blog.example", "https://BLOG.example"),
            Some("/".into())
        );
        assert_eq!(back("blog.example", "https://evil.example/"), None);
        assert_eq!(back("blog.example", "https://blog.example.evil/"), None);
        assert_eq!(back("blog.example", "/relative"), None);
        assert_eq!(same_site_referer(&HeaderMap::new()), None);
    }
}
