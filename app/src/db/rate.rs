//! Events counted by rate limits.

use chrono::{DateTime, Utc};

use super::{now, on_pool, Db};

pub async fn record(db: &Db, scope: &str, subject: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("INSERT INTO rate_events (scope, subject, occurred_at) VALUES ($1, $2, $3)")
            .bind(scope)
            .bind(subject)
            .bind(now())
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// How many events `subject` had in `scope` since `since`, and when the latest was.
pub async fn in_window(
    db: &Db,
    scope: &str,
    subject: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MAX(occurred_at) FROM rate_events
             WHERE scope = $1 AND subject = $2 AND occurred_at > $3",
        )
        .bind(scope)
        .bind(subject)
        .bind(since)
        .fetch_one(pool)
        .await
    })
}

pub async fn clear(db: &Db, scope: &str, subject: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM rate_events WHERE scope = $1 AND subject = $2")
            .bind(scope)
            .bind(subject)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Deletes events older than any limit looks at.
pub async fn prune(db: &Db, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM rate_events WHERE occurred_at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
}
