//! Logged-in sessions as their owner sees them (table `session_devices`, migration 0015), and
//! ending them: deleting a session's row in `sessions` logs that browser out at its next
//! request, and takes its `session_devices` row with it.

use chrono::{DateTime, Utc};

use super::{on_pool, Db};
use crate::domain::SessionDevice as Device;

/// Records (or brings up to date) what `session_id` is, as its data says.
pub async fn record(db: &Db, session_id: &str, device: &Device) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO session_devices
                 (session_id, user_id, handle, created_at, last_seen_at, browser, address)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (session_id) DO UPDATE SET
                 user_id = excluded.user_id, handle = excluded.handle,
                 created_at = excluded.created_at, last_seen_at = excluded.last_seen_at,
                 browser = excluded.browser, address = excluded.address",
        )
        .bind(session_id)
        .bind(device.user_id)
        .bind(&device.handle)
        .bind(device.created_at)
        .bind(device.seen_at)
        .bind(&device.browser)
        .bind(&device.address)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

#[derive(sqlx::FromRow)]
pub struct Listed {
    pub handle: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub browser: String,
    pub address: String,
}

/// The account's sessions, most recently used first.
pub async fn of_user(db: &Db, user_id: i64) -> Result<Vec<Listed>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT handle, created_at, last_seen_at, browser, address FROM session_devices
              WHERE user_id = $1 ORDER BY last_seen_at DESC, created_at DESC",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })
}

/// Ends the account's sessions named `handle` (one, unless a renewal is half done). How
/// many ended.
pub async fn end(db: &Db, user_id: i64, handle: &str) -> Result<u64, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(
            "DELETE FROM sessions WHERE id IN
                (SELECT session_id FROM session_devices WHERE user_id = $1 AND handle = $2)",
        )
        .bind(user_id)
        .bind(handle)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })
}

/// Ends every session of the account but the one named `keep` (every one, with `None`).
/// How many ended.
pub async fn end_all_but(db: &Db, user_id: i64, keep: Option<&str>) -> Result<u64, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(
            "DELETE FROM sessions WHERE id IN
                (SELECT session_id FROM session_devices
                  WHERE user_id = $1 AND ($2 IS NULL OR handle <> $2))",
        )
        .bind(user_id)
        .bind(keep)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })
}
