//! Revisions (table `post_revisions`, migration 0021): what each save of a post saved.
//!
//! A revision is a copy of the post's row (and its tags, as the editor's field shows them)
//! taken inside the transaction that saved it, so the newest revision is always the post as
//! it is. (`string_agg … ORDER BY` is in PostgreSQL and in SQLite since 3.44; sqlx bundles
//! 3.46.)

use chrono::{DateTime, Utc};

use super::{on_pool, on_tx, Db, WriteTx};

/// The copy of the posts picked by `{where}`, as their current revision.
const SNAPSHOT: &str = "INSERT INTO post_revisions
         (post_id, number, saved_by, saved_at, title, subtitle, cover_url, body, body_format, tags)
     SELECT p.id, p.revision, p.updated_by, p.updated_at, p.title, p.subtitle, p.cover_url,
            p.body, p.body_format,
            COALESCE((SELECT string_agg(t.name, ', ' ORDER BY t.name, t.slug)
                      FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                      WHERE pt.post_id = p.id), '')
     FROM posts p";

/// Keeps the post `post_id` as it now is as its revision, and drops its revisions older
/// than the newest `keep`.
pub async fn record(tx: &mut WriteTx, post_id: i64, keep: u32) -> Result<(), sqlx::Error> {
    let snapshot = format!("{SNAPSHOT} WHERE p.id = $1");
    on_tx!(&mut *tx, conn => {
        sqlx::query(&snapshot).bind(post_id).execute(&mut *conn).await.map(|_| ())
    })?;
    on_tx!(tx, conn => {
        sqlx::query(
            "DELETE FROM post_revisions
             WHERE post_id = $1
               AND number <= (SELECT revision FROM posts WHERE id = $1) - $2",
        )
        .bind(post_id)
        .bind(i64::from(keep.max(1)))
        .execute(conn)
        .await
        .map(|_| ())
    })
}

/// Keeps every post whose current revision is not kept yet (written by an import, which
/// copies rows rather than saving posts) as that revision.
pub async fn record_missing(tx: &mut WriteTx) -> Result<u64, sqlx::Error> {
    let snapshot = format!(
        "{SNAPSHOT} WHERE NOT EXISTS (
             SELECT 1 FROM post_revisions r WHERE r.post_id = p.id AND r.number = p.revision)"
    );
    on_tx!(tx, conn => {
        sqlx::query(&snapshot).execute(conn).await.map(|r| r.rows_affected())
    })
}

#[derive(Debug, sqlx::FromRow)]
pub struct RevisionRow {
    pub number: i64,
    pub saved_by: Option<String>,
    pub saved_at: DateTime<Utc>,
    pub title: String,
    pub subtitle: String,
    pub cover_url: Option<String>,
    pub body: String,
    pub tags: String,
}

const SELECT: &str = "SELECT r.number, u.name AS saved_by, r.saved_at, r.title, r.subtitle,
        r.cover_url, r.body, r.tags
    FROM post_revisions r LEFT JOIN users u ON u.id = r.saved_by";

/// One line of a post's revision list.
#[derive(Debug, sqlx::FromRow)]
pub struct RevisionLine {
    pub number: i64,
    pub saved_by: Option<String>,
    pub saved_at: DateTime<Utc>,
    pub title: String,
}

/// The post `post_id`'s kept revisions, newest first.
pub async fn of_post(db: &Db, post_id: i64) -> Result<Vec<RevisionLine>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT r.number, u.name AS saved_by, r.saved_at, r.title
             FROM post_revisions r LEFT JOIN users u ON u.id = r.saved_by
             WHERE r.post_id = $1 ORDER BY r.number DESC",
        )
        .bind(post_id)
        .fetch_all(pool)
        .await
    })
}

/// Revision `number` of the post `post_id`, if it is kept.
pub async fn find(db: &Db, post_id: i64, number: i64) -> Result<Option<RevisionRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE r.post_id = $1 AND r.number = $2");
    on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(post_id).bind(number).fetch_optional(pool).await
    })
}
