//! The whole blog read for files written outside the database (`quire export-markdown`):
//! every post, drafts and scheduled ones included, and every comment, whatever its status.

use chrono::{DateTime, Utc};

use super::posts::PostRecord;
use super::{on_pool, Db};
use crate::domain::BodyFormat;

/// Every post, oldest first.
pub async fn posts(db: &Db) -> Result<Vec<PostRecord>, sqlx::Error> {
    let sql = format!("{} ORDER BY p.id", *super::posts::RECORD);
    on_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)
}

/// A comment as an archive keeps it: by whom, when, what, and whether it is shown.
#[derive(Debug, sqlx::FromRow)]
pub struct ArchivedComment {
    pub author_name: String,
    pub created_at: DateTime<Utc>,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub body_format: BodyFormat,
    pub status: String,
}

/// Every comment on the post with `post_id`, oldest first.
pub async fn comments(db: &Db, post_id: i64) -> Result<Vec<ArchivedComment>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT u.name AS author_name, c.created_at, c.body, c.body_format, c.status
             FROM comments c JOIN users u ON u.id = c.author_id
             WHERE c.post_id = $1
             ORDER BY c.created_at, c.id",
        )
        .bind(post_id)
        .fetch_all(pool)
        .await
    })
}
