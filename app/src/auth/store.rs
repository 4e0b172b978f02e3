//! Sessions live in the blog's own database, whichever backend it is, so they survive
//! restarts and are shared by every instance.

use std::sync::Arc;

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::devices::{self, Device};
use super::kept::Kept;
use crate::db::Db;
use crate::freshness::Freshness;

/// The session table of either backend (created by migration 0002), and beside it the
/// list of logged-in sessions their owners see (`session_devices`, migration 0015). Loaded
/// sessions are kept while the auth version holds (see `kept`).
#[derive(Clone)]
pub struct SessionStore {
    tables: Tables,
    db: Db,
    kept: Arc<Kept<Id, Record>>,
}

impl std::fmt::Debug for SessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStore").finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
enum Tables {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionStore {
    pub fn new(db: &Db, freshness: Arc<Freshness>) -> Self {
        const TABLE: &str = "sessions";
        let tables = match db {
            Db::Sqlite(pool) => Tables::Sqlite(
                SqliteStore::new(pool.clone())
                    .with_table_name(TABLE)
                    .expect("valid table name"),
            ),
            Db::Postgres(pool) => Tables::Postgres(
                PostgresStore::new(pool.clone())
                    .with_schema_name("public")
                    .expect("valid schema name")
                    .with_table_name(TABLE)
                    .expect("valid table name"),
            ),
        };
        SessionStore {
            tables,
            db: db.clone(),
            kept: Arc::new(Kept::new(freshness)),
        }
    }

    /// Keeps the account's list of sessions up to date with a logged-in session just saved.
    /// Only saves write here: a session is saved when it changed, and a logged-in one notes
    /// its activity every few minutes (see `devices::note_request`).
    async fn record_device(&self, record: &Record) -> session_store::Result<()> {
        let Some(device) = record.data.get(devices::KEY) else {
            return Ok(());
        };
        let device: Device = serde_json::from_value(device.clone())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        crate::db::sessions::record(&self.db, &record.id.to_string(), &device)
            .await
            .map_err(|e| session_store::Error::Backend(e.to_string()))
    }
}

#[async_trait]
impl tower_sessions::SessionStore for SessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match &self.tables {
            Tables::Sqlite(s) => s.create(record).await?,
            Tables::Postgres(s) => s.create(record).await?,
        }
        self.record_device(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.kept.forget(&record.id);
        match &self.tables {
            Tables::Sqlite(s) => s.save(record).await?,
            Tables::Postgres(s) => s.save(record).await?,
        }
        self.record_device(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let unexpired = |record: &Record| record.expiry_date > time::OffsetDateTime::now_utc();
        let load = async {
            match &self.tables {
                Tables::Sqlite(s) => s.load(id).await,
                Tables::Postgres(s) => s.load(id).await,
            }
        };
        self.kept.get(id, unexpired, load).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.kept.forget(id);
        match &self.tables {
            Tables::Sqlite(s) => s.delete(id).await,
            Tables::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match &self.tables {
            Tables::Sqlite(s) => s.delete_expired().await,
            Tables::Postgres(s) => s.delete_expired().await,
        }
    }
}
