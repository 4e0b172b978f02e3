//! What the page cache asks the database to know whether a page it keeps is still right.

use chrono::{DateTime, Utc};

use super::{on_pool, Db};

/// The counters the migrations' triggers move: whenever something anonymous readers see
/// changes (the content version, migration 0009), and whenever a session or its user does
/// (the auth version, migration 0019). One read for both, as every page needs both.
pub async fn versions(db: &Db) -> Result<(i64, i64), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT c.version, a.version FROM content_version c, auth_version a
              WHERE c.id = 1 AND a.id = 1",
        )
        .fetch_one(pool)
        .await
    })
}

/// When the next scheduled post goes live after `at`, if one is scheduled: pages rendered
/// before then must not outlive it, although no write marks the moment.
pub async fn next_publication(
    db: &Db,
    at: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT published_at FROM posts
             WHERE published_at IS NOT NULL AND published_at > $1
             ORDER BY published_at ASC
             LIMIT 1",
        )
        .bind(at)
        .fetch_optional(pool)
        .await
    })
}
