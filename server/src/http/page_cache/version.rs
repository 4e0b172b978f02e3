//! The content version as of a request's arrival, read once for everyone waiting.
//!
//! Every kept page served must be checked against the database's content version, read
//! after the request arrived (a page changed through another instance just before must not
//! be served stale). One read per request would put a database round trip — a pool slot,
//! and on SQLite a hop to the connection's thread — on every hit. Instead reads take turns,
//! and a read that started after a request arrived answers that request: under load, one
//! read serves every request that queued behind the previous one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use app::db::{self, Db};

pub struct VersionCheck {
    db: Db,
    /// How many reads have started; a read numbered above a request's count at arrival
    /// started after it arrived.
    started: AtomicU64,
    /// The last read that finished: its number and what it found (`None`: it failed).
    last: Mutex<(u64, Option<i64>)>,
    /// When the last failed read gave up.
    failed_at: Mutex<Option<Instant>>,
    /// One read at a time; waiting requests queue here.
    turn: tokio::sync::Mutex<()>,
}

impl VersionCheck {
    pub fn new(db: Db) -> VersionCheck {
        VersionCheck {
            db,
            started: AtomicU64::new(0),
            last: Mutex::new((0, None)),
            failed_at: Mutex::new(None),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// The content version, read after this call began; `None` when the database could not
    /// say (the caller then renders without the cache).
    pub async fn current(&self) -> Option<i64> {
        let arrived = self.started.load(Ordering::SeqCst);
        let arrived_at = Instant::now();
        let _turn = self.turn.lock().await;
        let (number, version) = *self.last.lock().unwrap_or_else(|e| e.into_inner());
        if number > arrived {
            return version;
        }
        // A read that failed while this call waited: the database is not answering, and
        // trying again would only add another wait for the pool (with PostgreSQL down, three
        // in a row took a request past 3 s). `None` is never stale: it means no cache.
        let failed_at = *self.failed_at.lock().unwrap_or_else(|e| e.into_inner());
        if failed_at.is_some_and(|at| at > arrived_at) {
            return None;
        }
        let number = self.started.fetch_add(1, Ordering::SeqCst) + 1;
        let version = match db::freshness::content_version(&self.db).await {
            Ok(version) => Some(version),
            Err(e) => {
                tracing::debug!(error = %e, "page cache: content version unavailable");
                *self.failed_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                None
            }
        };
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = (number, version);
        version
    }

    /// How many times the database was read (for tests).
    #[cfg(test)]
    fn reads(&self) -> u64 {
        self.started.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    async fn database() -> (Db, sqlx::SqlitePool) {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        for sql in [
            "CREATE TABLE content_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
            "INSERT INTO content_version VALUES (1, 0)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        (Db::Sqlite(pool.clone()), pool)
    }

    #[tokio::test]
    async fn a_change_made_before_the_call_is_always_seen() {
        let (db, pool) = database().await;
        let check = VersionCheck::new(db);
        for n in 1..=20 {
            sqlx::query("UPDATE content_version SET version = $1")
                .bind(n)
                .execute(&pool)
                .await
                .unwrap();
            assert_eq!(check.current().await, Some(n));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_waiting_together_share_reads() {
        let (db, _pool) = database().await;
        let check = Arc::new(VersionCheck::new(db));
        let calls: Vec<_> = (0..64)
            .map(|_| {
                let check = check.clone();
                tokio::spawn(async move { check.current().await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap(), Some(0));
        }
        assert!(check.reads() < 64, "{} reads for 64 calls", check.reads());
    }

    #[tokio::test]
    async fn a_failed_read_says_none_and_the_next_call_reads_again() {
        let (db, pool) = database().await;
        let check = VersionCheck::new(db);
        sqlx::query("DROP TABLE content_version")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(check.current().await, None);
        sqlx::query("CREATE TABLE content_version (id INTEGER PRIMARY KEY, version INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO content_version VALUES (1, 7)")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(check.current().await, Some(7));
    }
}
