//! What this instance keeps of the sessions and users it loaded. Each is served again only
//! while the auth version it was read under still holds (migration 0019, read with the
//! content version once per request by `crate::freshness`), so a logged-in request pays that
//! shared read instead of two queries of its own — on PostgreSQL, two round trips to another
//! process — and a change made anywhere still counts from the next request on.

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use quick_cache::sync::Cache;

use crate::freshness::Freshness;

/// How many of each are kept: a few KiB each at most, and beyond this many at once the
/// least used are read again.
const CAPACITY: usize = 4096;

pub struct Kept<K, V> {
    freshness: Arc<Freshness>,
    entries: Cache<K, (i64, V)>,
}

impl<K, V> Kept<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new(freshness: Arc<Freshness>) -> Self {
        Kept {
            freshness,
            entries: Cache::new(CAPACITY),
        }
    }

    /// `key`'s value: the kept one if the auth version has not moved since it was read and
    /// `usable` accepts it, else what `load` finds (kept for the next requests). When the
    /// version cannot be read, nothing kept is trusted and nothing is kept.
    pub async fn get<E>(
        &self,
        key: &K,
        usable: impl Fn(&V) -> bool,
        load: impl Future<Output = Result<Option<V>, E>>,
    ) -> Result<Option<V>, E> {
        // Read before the value is loaded: a change committed in between moves the version
        // past this one, so the value is never kept under a version older than it is.
        let Some(version) = self.freshness.now().await.map(|v| v.auth) else {
            return load.await;
        };
        if let Some((kept_under, value)) = self.entries.get(key) {
            if kept_under == version && usable(&value) {
                return Ok(Some(value));
            }
        }
        let loaded = load.await?;
        match &loaded {
            Some(value) => self.entries.insert(key.clone(), (version, value.clone())),
            None => {
                self.entries.remove(key);
            }
        }
        Ok(loaded)
    }

    /// Forgets `key` (its value changed here; the version says so too, this frees it now).
    pub fn forget(&self, key: &K) {
        self.entries.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn freshness() -> (Arc<Freshness>, sqlx::SqlitePool) {
        let (db, pool) = crate::freshness::tests::database().await;
        (Arc::new(Freshness::new(db)), pool)
    }

    /// Loads `value`, counting loads.
    async fn load(loads: &AtomicUsize, value: Option<&str>) -> Result<Option<String>, ()> {
        loads.fetch_add(1, Ordering::SeqCst);
        Ok(value.map(str::to_owned))
    }

    #[tokio::test]
    async fn kept_values_serve_until_the_auth_version_moves() {
        let (freshness, pool) = freshness().await;
        let kept = Kept::new(freshness);
        let loads = AtomicUsize::new(0);
        for _ in 0..3 {
            let got = kept.get(&1, |_| true, load(&loads, Some("ann"))).await;
            assert_eq!(got, Ok(Some("ann".to_owned())));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);

        sqlx::query("UPDATE auth_version SET version = version + 1")
            .execute(&pool)
            .await
            .unwrap();
        let got = kept.get(&1, |_| true, load(&loads, Some("bea"))).await;
        assert_eq!(
            got,
            Ok(Some("bea".to_owned())),
            "read again after the change"
        );
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn unusable_missing_and_forgotten_values_are_loaded_again() {
        let (freshness, _pool) = freshness().await;
        let kept = Kept::new(freshness);
        let loads = AtomicUsize::new(0);
        kept.get(&1, |_| true, load(&loads, Some("ann")))
            .await
            .unwrap();
        // An expired session, say.
        let got = kept
            .get(&1, |v| v != "ann", load(&loads, Some("bea")))
            .await;
        assert_eq!(got, Ok(Some("bea".to_owned())));
        // Gone from the database: not kept.
        assert_eq!(kept.get(&1, |_| false, load(&loads, None)).await, Ok(None));
        assert_eq!(kept.get(&1, |_| true, load(&loads, None)).await, Ok(None));
        kept.get(&2, |_| true, load(&loads, Some("cy")))
            .await
            .unwrap();
        kept.forget(&2);
        kept.get(&2, |_| true, load(&loads, Some("cy")))
            .await
            .unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn without_the_versions_nothing_is_kept() {
        let (freshness, pool) = freshness().await;
        let loads = AtomicUsize::new(0);
        let kept = Kept::new(freshness);
        sqlx::query("DROP TABLE auth_version")
            .execute(&pool)
            .await
            .unwrap();
        for _ in 0..2 {
            kept.get(&1, |_| true, load(&loads, Some("ann")))
                .await
                .unwrap();
        }
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }
}
