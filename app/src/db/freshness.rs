//! What the page cache asks the database to know whether a page it keeps is still right.

use chrono::{DateTime, Utc};

use super::{on_pool, Db};

/// The counter the migrations' triggers move whenever something anonymous readers see
/// changes (see migration 0009).
pub async fn content_version(db: &Db) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT version FROM content_version WHERE id = 1")
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
