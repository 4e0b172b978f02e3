//! The data layer: every SQL statement of Quire lives below this module.
//!
//! One set of queries serves SQLite and PostgreSQL. `Db` holds a native pool of either kind
//! (sqlx's `Any` driver cannot decode dates or SQLite booleans), and [`on_pool!`] runs the
//! same query text on whichever it is. Write only SQL that both backends accept: `$1`
//! placeholders, `RETURNING`, `ON CONFLICT`, no `ILIKE` (see docs/architecture.md, "Data layer").

pub mod archive;
pub mod autosaves;
pub mod coauthors;
pub mod comments;
mod connect;
pub mod email_links;
pub mod feed;
pub mod freshness;
pub mod images;
pub mod import;
pub mod invites;
mod migration_status;
pub mod outbox;
pub mod pages;
pub mod posts;
pub mod rate;
pub mod resets;
pub mod revisions;
pub mod search;
pub mod series;
pub mod sessions;
pub mod site;
pub mod subscribers;
pub mod tags;
pub mod transfer;
pub mod two_factor;
mod url;
pub mod users;

pub use connect::{PoolSettings, SQLITE_DEFAULT_PATH};
pub use migration_status::{MigrationId, MigrationStatus};
pub use url::{mask_password, Backend, DatabaseUrl, UrlError, ACCEPTED_SCHEMES};

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Runs `$body` with `$pool` bound to the native pool, whichever backend it is.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection, whichever backend it is.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::WriteTx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::WriteTx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}
pub(crate) use {on_pool, on_tx};

/// A connection pool to the configured database. Cheap to clone; lives in the app state.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction that reads and then writes.
pub enum WriteTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a transaction for read-then-write work.
    ///
    /// On SQLite a plain `BEGIN` takes the write lock only at the first write, and a second
    /// writer that read in between then fails at once with "database is locked" (the busy
    /// timeout does not apply to lock upgrades). `BEGIN IMMEDIATE` takes the lock up front,
    /// so concurrent writers queue on the busy timeout instead.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => WriteTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => WriteTx::Postgres(pool.begin().await?),
        })
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    /// Waits for open connections to finish and closes them (on SQLite this also checkpoints
    /// the write-ahead log into the database file).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.commit().await,
            WriteTx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// The one row of an `INSERT … RETURNING` run outside a transaction, read with `fetch_all`.
/// Never `fetch_one`/`fetch_optional` there: SQLite commits such a statement only when it
/// runs to completion, and a reader that stops at the first row never sees a failed commit —
/// with a full disk the insert was acknowledged and lost (found by `crashes::a_full_disk…`).
pub(crate) fn returned<T>(rows: Vec<T>) -> Option<T> {
    rows.into_iter().next()
}

/// The current time, at the microsecond precision both backends store, so a value read back
/// equals the value written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// The name of the unique constraint `err` violated, if it is such a violation.
///
/// PostgreSQL names the constraint; SQLite only says "UNIQUE constraint failed: table.column",
/// so its columns are mapped to the constraint names the migrations give on both backends.
pub fn unique_violation(err: &sqlx::Error) -> Option<&'static str> {
    const KEYS: &[(&str, &str)] = &[
        ("users_email_key", "users.email"),
        ("posts_title_key", "posts.title"),
        ("posts_slug_key", "posts.slug"),
    ];
    let db_err = err.as_database_error()?;
    if db_err.kind() != sqlx::error::ErrorKind::UniqueViolation {
        return None;
    }
    if let Some(name) = db_err.constraint() {
        return KEYS
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(key, _)| *key);
    }
    let message = db_err.message();
    KEYS.iter()
        .find(|(_, column)| message.ends_with(column))
        .map(|(key, _)| *key)
}
