//! Rendered HTML, remembered by the Markdown it came from.
//!
//! Rendering and sanitizing a 3 KB post costs far more than the rest of its page, and posts
//! are read far more often than written. Keys are the SHA-256 of the source (and which
//! renderer), so an edited post simply misses: there is nothing to invalidate, and every
//! instance behind a load balancer is right on its own. A process-wide memo rather than app
//! state because it caches a pure function, not a resource.

use std::sync::{Arc, LazyLock};

use quick_cache::sync::Cache;
use quick_cache::Weighter;
use sha2::{Digest, Sha256};

/// Bytes of HTML kept; the least used go first when more would not fit.
const BUDGET: u64 = 4 * 1024 * 1024;

/// A kept rendering weighs its bytes (and its key's).
#[derive(Clone)]
struct HtmlBytes;

impl Weighter<[u8; 32], Arc<str>> for HtmlBytes {
    fn weight(&self, _key: &[u8; 32], html: &Arc<str>) -> u64 {
        html.len() as u64 + 32
    }
}

static CACHE: LazyLock<Cache<[u8; 32], Arc<str>, HtmlBytes>> =
    LazyLock::new(|| Cache::with_weighter(1024, BUDGET, HtmlBytes));

/// The HTML of `source` as `render` makes it, from the cache when it was rendered before.
pub fn cached(kind: &str, source: &str, render: impl FnOnce(&str) -> String) -> String {
    let key: [u8; 32] = Sha256::new()
        .chain_update(kind.as_bytes())
        .chain_update([0])
        .chain_update(source.as_bytes())
        .finalize()
        .into();
    if let Some(html) = CACHE.get(&key) {
        return html.to_string();
    }
    let html = render(source);
    CACHE.insert(key, Arc::from(html.as_str()));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_once_per_source_and_again_after_an_edit() {
        let source = "A source unique to this test".to_owned();
        let calls = std::cell::Cell::new(0);
        let render = |s: &str| {
            calls.set(calls.get() + 1);
            format!("<p>{}</p>", s.len())
        };
        let first = cached("test", &source, render);
        let second = cached("test", &source, render);
        assert_eq!(first, second);
        assert_eq!(calls.get(), 1);
        let edited = cached("test", &(source.clone() + "!"), render);
        assert_ne!(edited, first);
        assert_eq!(calls.get(), 2);
        // Another renderer of the same text is another entry.
        cached("other", &source, render);
        assert_eq!(calls.get(), 3);
    }
}
