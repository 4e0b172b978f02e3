//! Conditional GETs: an answer whose ETag the client already holds is a 304.

use axum::http::HeaderMap;
use axum_extra::headers::{ETag, HeaderMapExt, IfNoneMatch};

/// An ETag made of `tag` (quoted; a strong validator).
pub fn strong(tag: &str) -> Option<ETag> {
    format!("\"{tag}\"").parse().ok()
}

/// A weak ETag (`W/"tag"`): the same content in any encoding.
pub fn weak(tag: &str) -> ETag {
    format!("W/\"{tag}\"")
        .parse()
        .expect("a tag of letters and digits is valid")
}

/// Whether the request's `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks
/// for If-None-Match), or is `*`: the client's copy is current.
pub fn client_has(request: &HeaderMap, etag: &ETag) -> bool {
    request
        .typed_get::<IfNoneMatch>()
        .is_some_and(|condition| !condition.precondition_passes(etag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn asking(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("if-none-match", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn matches_as_if_none_match_should() {
        let etag = strong("abc").unwrap();
        assert!(client_has(&asking("\"abc\""), &etag));
        assert!(client_has(&asking("W/\"abc\""), &etag), "weak comparison");
        assert!(client_has(&asking("\"x\", \"abc\""), &etag), "a list");
        assert!(client_has(&asking("*"), &etag));
        assert!(!client_has(&asking("\"abd\""), &etag));
        assert!(!client_has(&asking("abc"), &etag), "unquoted is no tag");
        assert!(!client_has(&HeaderMap::new(), &etag));
        let weak = weak("abc");
        assert!(client_has(&asking("\"abc\""), &weak));
        assert!(client_has(&asking("W/\"abc\""), &weak));
    }
}
