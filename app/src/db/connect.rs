//! Opening the pool and bringing the schema up to date.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{Backend, DatabaseUrl, Db};

/// Where the database lives when no URL is configured, relative to the working directory.
pub const SQLITE_DEFAULT_PATH: &str = "data/quire.db";

pub(super) static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
pub(super) static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Each SQLite connection's page cache, in KiB (SQLite's default is 2,000).
const SQLITE_CACHE_KIB: u32 = 512;

#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// How long a request waits for a free connection before it gets a "busy" answer.
    pub acquire_timeout: Duration,
    /// How long a SQLite writer waits for another writer to finish.
    pub sqlite_busy_timeout: Duration,
    /// PostgreSQL cancels a statement that runs longer (`None`: never).
    pub statement_timeout: Option<Duration>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
            sqlite_busy_timeout: Duration::from_secs(5),
            statement_timeout: Some(Duration::from_secs(5)),
        }
    }
}

impl Db {
    /// Opens a pool to `url`. A SQLite file and its folder are created if missing.
    pub async fn connect(url: &DatabaseUrl, settings: &PoolSettings) -> Result<Db, sqlx::Error> {
        match url.backend() {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url.expose())?
                    .create_if_missing(true)
                    // Readers never block the writer and vice versa.
                    .journal_mode(SqliteJournalMode::Wal)
                    // In WAL mode NORMAL loses nothing when the process dies (the log is in
                    // the OS's hands at commit); only a power cut can roll back the last
                    // commits. FULL would add an fsync to every commit for that case alone.
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(settings.sqlite_busy_timeout)
                    .foreign_keys(true)
                    // Each connection keeps its own page cache, 2 MiB by default: 20 MiB for a
                    // pool of 10 once the database outgrows them. Pages it drops are re-read
                    // from the OS's file cache, which holds them once for every connection.
                    .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"));
                let in_memory = is_in_memory(url.expose());
                // Turning a new database file to WAL takes an exclusive lock that the busy
                // timeout does not wait for, so instances starting at once take turns here.
                let _guard = if in_memory {
                    None
                } else {
                    create_parent_dir(options.get_filename())?;
                    Some(
                        StartupLock::acquire(options.get_filename())
                            .await
                            .map_err(sqlx::Error::Io)?,
                    )
                };
                let mut pool = SqlitePoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.acquire_timeout)
                    // sqlx pings a connection before lending it out. A SQLite connection is a
                    // file opened in this process, so the ping finds nothing and costs a round
                    // trip to the connection's thread (two thread switches) for every query.
                    .test_before_acquire(false)
                    .before_acquire(|conn, _| {
                        Box::pin(async move { Ok(out_of_transaction(conn)) })
                    });
                if in_memory {
                    // Every connection to `:memory:` is a database of its own: keep exactly one,
                    // forever, or the data vanishes with it.
                    pool = pool
                        .max_connections(1)
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None);
                }
                Ok(Db::Sqlite(pool.connect_with(options).await?))
            }
            Backend::Postgres => {
                let mut options =
                    PgConnectOptions::from_str(url.expose())?.application_name("quire");
                if let Some(timeout) = settings.statement_timeout {
                    // A stuck query frees its connection instead of holding the pool hostage.
                    options = options
                        .options([("statement_timeout", format!("{}ms", timeout.as_millis()))]);
                }
                let pool = PgPoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.acquire_timeout)
                    .connect_with(options)
                    .await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    /// The path of the SQLite database file, if this is a file-backed SQLite database.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        match self {
            Db::Sqlite(pool) => {
                let path = pool.connect_options().get_filename().to_path_buf();
                (!path.as_os_str().is_empty() && path != Path::new(":memory:")).then_some(path)
            }
            Db::Postgres(_) => None,
        }
    }

    /// Whether the database answers and has every migration this build embeds: what a load
    /// balancer's readiness check needs to know.
    pub async fn is_ready(&self) -> bool {
        let embedded = match self {
            Db::Sqlite(_) => SQLITE_MIGRATIONS.iter().count(),
            Db::Postgres(_) => POSTGRES_MIGRATIONS.iter().count(),
        } as i64;
        let sql = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let applied: Result<i64, sqlx::Error> = match self {
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        };
        applied.is_ok_and(|n| n >= embedded)
    }

    /// Applies the migrations this build embeds that the database has not seen yet.
    ///
    /// Several instances may start at once. On PostgreSQL the migrator holds an advisory lock
    /// while it works. SQLite has no such lock, so an exclusive lock on a file beside the
    /// database plays that part.
    pub async fn migrate(&self) -> Result<(), MigrateError> {
        match self {
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
            Db::Sqlite(pool) => {
                let _guard = match self.sqlite_file() {
                    Some(db_file) => Some(
                        StartupLock::acquire(&db_file)
                            .await
                            .map_err(|e| MigrateError::Source(Box::new(e)))?,
                    ),
                    None => None,
                };
                SQLITE_MIGRATIONS.run(pool).await
            }
        }
    }
}

fn is_in_memory(url: &str) -> bool {
    let rest = url["sqlite:".len()..].trim_start_matches("//");
    rest.starts_with(":memory:") || url.contains("mode=memory")
}

fn create_parent_dir(file: &Path) -> Result<(), sqlx::Error> {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)
        }
        _ => Ok(()),
    }
}

/// An exclusive advisory lock on `<database>.migrate-lock`, held while an instance opens a
/// SQLite database and while it migrates it. Released on drop, or when the process dies, so
/// a crashed instance never leaves it stuck.
struct StartupLock(std::fs::File);

impl StartupLock {
    async fn acquire(db_file: &Path) -> std::io::Result<Self> {
        let mut lock_path = db_file.as_os_str().to_owned();
        lock_path.push(".migrate-lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        let file = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
            .await
            .map_err(std::io::Error::other)??;
        Ok(StartupLock(file))
    }
}

impl Drop for StartupLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Whether a pooled SQLite connection may be lent out. SQLite rolls a transaction back by
/// itself on some errors (a full disk among them); sqlx 0.8's own ROLLBACK then fails and
/// leaves the connection believing it is still inside one, so every later `BEGIN` on it fails
/// ("begin_with at non-zero transaction depth"). Such a connection is closed and replaced.
/// (A rollback still queued when the connection is asked for also closes it: rare, since
/// Quire's transactions end in a commit unless something failed.)
fn out_of_transaction(conn: &sqlx::SqliteConnection) -> bool {
    use sqlx::{Database, Sqlite, TransactionManager};
    <Sqlite as Database>::TransactionManager::get_transaction_depth(conn) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_in_memory_sqlite() {
        assert!(is_in_memory("sqlite::memory:"));
        assert!(is_in_memory("sqlite://:memory:"));
        assert!(is_in_memory("sqlite:file:x?mode=memory"));
        assert!(!is_in_memory("sqlite:data/quire.db"));
        assert!(!is_in_memory("sqlite:///var/lib/quire/quire.db"));
    }
}
