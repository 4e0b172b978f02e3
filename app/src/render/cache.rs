//! Rendered HTML, remembered by the Markdown it came from.
//!
//! Rendering and sanitizing a 3 KB post costs far more than the rest of its page, and posts
//! are read far more often than written. Keys are the SHA-256 of the source (and which
//! renderer), so an edited post simply misses: there is nothing to invalidate, and every
//! instance behind a load balancer is right on its own. A process-wide memo rather than app
//! state because it caches a pure function, not a resource.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use sha2::{Digest, Sha256};

/// Bytes of HTML kept before the cache starts over (well inside the memory budget).
const BUDGET: usize = 4 * 1024 * 1024;

#[derive(Default)]
struct Entries {
    map: HashMap<[u8; 32], Arc<str>>,
    bytes: usize,
}

static CACHE: LazyLock<Mutex<Entries>> = LazyLock::new(Mutex::default);

/// The HTML of `source` as `render` makes it, from the cache when it was rendered before.
pub fn cached(kind: &str, source: &str, render: impl FnOnce(&str) -> String) -> String {
    let key: [u8; 32] = Sha256::new()
        .chain_update(kind.as_bytes())
        .chain_update([0])
        .chain_update(source.as_bytes())
        .finalize()
        .into();
    if let Some(html) = lock().map.get(&key) {
        return html.to_string();
    }
    let html = render(source);
    let mut entries = lock();
    if entries.bytes + html.len() > BUDGET {
        // Simpler than LRU and enough: a blog's hot set is small, and a miss only re-renders.
        entries.map.clear();
        entries.bytes = 0;
    }
    if html.len() <= BUDGET && entries.map.insert(key, html.as_str().into()).is_none() {
        entries.bytes += html.len();
    }
    html
}

fn lock() -> std::sync::MutexGuard<'static, Entries> {
    // A panic while holding the lock cannot leave the map inconsistent: use it anyway.
    CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
