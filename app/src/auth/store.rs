//! Sessions live in the blog's own database, whichever backend it is, so they survive
//! restarts and are shared by every instance.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::db::Db;

/// The session table of either backend (created by migration 0002).
#[derive(Debug, Clone)]
pub enum SessionStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionStore {
    pub fn new(db: &Db) -> Self {
        const TABLE: &str = "sessions";
        match db {
            Db::Sqlite(pool) => SessionStore::Sqlite(
                SqliteStore::new(pool.clone())
                    .with_table_name(TABLE)
                    .expect("valid table name"),
            ),
            Db::Postgres(pool) => SessionStore::Postgres(
                PostgresStore::new(pool.clone())
                    .with_schema_name("public")
                    .expect("valid schema name")
                    .with_table_name(TABLE)
                    .expect("valid table name"),
            ),
        }
    }
}

#[async_trait]
impl tower_sessions::SessionStore for SessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            SessionStore::Sqlite(s) => s.create(record).await,
            SessionStore::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            SessionStore::Sqlite(s) => s.save(record).await,
            SessionStore::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            SessionStore::Sqlite(s) => s.load(id).await,
            SessionStore::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            SessionStore::Sqlite(s) => s.delete(id).await,
            SessionStore::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            SessionStore::Sqlite(s) => s.delete_expired().await,
            SessionStore::Postgres(s) => s.delete_expired().await,
        }
    }
}
