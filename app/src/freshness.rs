//! The database's versions as of a request's arrival, read once for everyone waiting.
//!
//! What an instance keeps in memory — rendered pages, loaded sessions and users — is served
//! only while the counters it was read under hold (migrations 0009 and 0019), read after the
//! request arrived: something changed through another instance just before must not be
//! served stale. One read per request would put a database round trip — a pool slot, and on
//! SQLite a hop to the connection's thread — on every request. Instead reads take turns, and
//! a read that started after a request arrived answers that request: under load, one read
//! serves every request that queued behind the previous one. Within a request the first
//! answer holds for every later question ([`Freshness::scope`]).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::OnceCell;

use crate::db::{self, Db};

/// The two counters, read together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    /// Moves when anything anonymous readers see changes.
    pub content: i64,
    /// Moves when a session, or what a session knows of its user, changes.
    pub auth: i64,
}

tokio::task_local! {
    /// The versions one request has read, once it asked.
    static REQUEST: Arc<OnceCell<Option<Versions>>>;
}

/// One per process, shared by the page cache and the session layers.
pub struct Freshness {
    db: Db,
    /// How many reads have started; a read numbered above a request's count at arrival
    /// started after it arrived.
    started: AtomicU64,
    /// The last read that finished: its number and what it found (`None`: it failed).
    last: Mutex<(u64, Option<Versions>)>,
    /// When the last failed read gave up.
    failed_at: Mutex<Option<Instant>>,
    /// One read at a time; waiting requests queue here.
    turn: tokio::sync::Mutex<()>,
}

impl Freshness {
    pub fn new(db: Db) -> Freshness {
        Freshness {
            db,
            started: AtomicU64::new(0),
            last: Mutex::new((0, None)),
            failed_at: Mutex::new(None),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Runs one request: every [`Freshness::now`] inside it gets the first one's answer.
    /// Nothing is read unless something asks.
    pub async fn scope<F: Future>(request: F) -> F::Output {
        REQUEST.scope(Arc::new(OnceCell::new()), request).await
    }

    /// The versions, read after the current request began (after this call began, outside
    /// a request); `None` when the database could not say (the caller then trusts nothing
    /// it keeps).
    pub async fn now(&self) -> Option<Versions> {
        match REQUEST.try_with(Arc::clone) {
            Ok(request) => *request.get_or_init(|| self.read()).await,
            Err(_) => self.read().await,
        }
    }

    /// A read that started after this call began, shared with everyone waiting for one.
    async fn read(&self) -> Option<Versions> {
        let arrived = self.started.load(Ordering::SeqCst);
        let arrived_at = Instant::now();
        let _turn = self.turn.lock().await;
        let (number, versions) = *lock(&self.last);
        if number > arrived {
            return versions;
        }
        // A read that failed while this call waited: the database is not answering, and
        // trying again would only add another wait for the pool (with PostgreSQL down, three
        // in a row took a request past 3 s). `None` is never stale: it means trust nothing.
        if lock(&self.failed_at).is_some_and(|at| at > arrived_at) {
            return None;
        }
        let number = self.started.fetch_add(1, Ordering::SeqCst) + 1;
        let versions = match db::freshness::versions(&self.db).await {
            Ok((content, auth)) => Some(Versions { content, auth }),
            Err(e) => {
                tracing::debug!(error = %e, "the database's versions are unavailable");
                *lock(&self.failed_at) = Some(Instant::now());
                None
            }
        };
        *lock(&self.last) = (number, versions);
        versions
    }

    /// How many times the database was read (for tests).
    #[cfg(test)]
    fn reads(&self) -> u64 {
        self.started.load(Ordering::SeqCst)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The two counters alone, content at 0 and auth at 100, in a database of one
    /// connection (also for the tests of what is kept under them).
    pub(crate) async fn database() -> (Db, sqlx::SqlitePool) {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        for sql in [
            "CREATE TABLE content_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
            "INSERT INTO content_version VALUES (1, 0)",
            "CREATE TABLE auth_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
            "INSERT INTO auth_version VALUES (1, 100)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        (Db::Sqlite(pool.clone()), pool)
    }

    async fn set(pool: &sqlx::SqlitePool, table: &str, version: i64) {
        sqlx::query(&format!("UPDATE {table} SET version = $1"))
            .bind(version)
            .execute(pool)
            .await
            .unwrap();
    }

    fn versions(content: i64, auth: i64) -> Option<Versions> {
        Some(Versions { content, auth })
    }

    #[tokio::test]
    async fn a_change_made_before_the_call_is_always_seen() {
        let (db, pool) = database().await;
        let check = Freshness::new(db);
        for n in 1..=20 {
            set(&pool, "content_version", n).await;
            set(&pool, "auth_version", 100 + n).await;
            assert_eq!(check.now().await, versions(n, 100 + n));
        }
    }

    #[tokio::test]
    async fn a_request_reads_once_and_keeps_its_answer() {
        let (db, pool) = database().await;
        let check = Freshness::new(db);
        Freshness::scope(async {
            assert_eq!(check.reads(), 0, "nothing is read until asked");
            assert_eq!(check.now().await, versions(0, 100));
            set(&pool, "auth_version", 101).await;
            assert_eq!(check.now().await, versions(0, 100));
            assert_eq!(check.reads(), 1);
        })
        .await;
        // The next request sees the change.
        Freshness::scope(async { assert_eq!(check.now().await, versions(0, 101)) }).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_waiting_together_share_reads() {
        let (db, _pool) = database().await;
        let check = Arc::new(Freshness::new(db));
        let calls: Vec<_> = (0..64)
            .map(|_| {
                let check = check.clone();
                tokio::spawn(async move { check.now().await })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap(), versions(0, 100));
        }
        assert!(check.reads() < 64, "{} reads for 64 calls", check.reads());
    }

    #[tokio::test]
    async fn a_failed_read_says_none_and_the_next_call_reads_again() {
        let (db, pool) = database().await;
        let check = Freshness::new(db);
        sqlx::query("DROP TABLE auth_version")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(check.now().await, None);
        sqlx::query("CREATE TABLE auth_version (id INTEGER PRIMARY KEY, version INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO auth_version VALUES (1, 7)")
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(check.now().await, versions(0, 7));
    }
}
