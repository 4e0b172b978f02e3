//! Draft copies the editor saves while someone types (table `post_autosaves`, migration
//! 0020): one per person and post, `post_id` NULL for a new post not saved yet.
//!
//! Rows are found by `COALESCE(post_id, 0)`, the expression of the unique index, so a new
//! post's copy (NULL) is matched with `=` on both backends and through the index.

use chrono::{DateTime, Utc};

use super::{on_pool, on_tx, Db, WriteTx};
use crate::domain::EditorText;

#[derive(Debug, sqlx::FromRow)]
pub struct AutosaveRow {
    pub title: String,
    pub subtitle: String,
    pub cover_url: String,
    pub tags: String,
    pub body: String,
    pub base_revision: Option<i64>,
    pub saved_at: DateTime<Utc>,
}

fn key(post_id: Option<i64>) -> i64 {
    post_id.unwrap_or(0)
}

/// Keeps `text` as `user_id`'s copy of the post `post_id` (replacing the one before), taken
/// from its revision `base_revision`. Returns when.
pub async fn keep(
    db: &Db,
    user_id: i64,
    post_id: Option<i64>,
    base_revision: Option<i64>,
    text: &EditorText,
) -> Result<DateTime<Utc>, sqlx::Error> {
    let saved_at = super::now();
    let mut tx = db.begin_write().await?;
    discard_in(&mut tx, user_id, post_id).await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO post_autosaves
                 (user_id, post_id, base_revision, title, subtitle, cover_url, tags, body, saved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(user_id)
        .bind(post_id)
        .bind(base_revision)
        .bind(&text.title)
        .bind(&text.subtitle)
        .bind(&text.cover_url)
        .bind(&text.tags)
        .bind(&text.body)
        .bind(saved_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    tx.commit().await?;
    Ok(saved_at)
}

/// `user_id`'s copy of the post `post_id`, if they have one.
pub async fn find(
    db: &Db,
    user_id: i64,
    post_id: Option<i64>,
) -> Result<Option<AutosaveRow>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT title, subtitle, cover_url, tags, body, base_revision, saved_at
             FROM post_autosaves WHERE user_id = $1 AND COALESCE(post_id, 0) = $2",
        )
        .bind(user_id)
        .bind(key(post_id))
        .fetch_optional(pool)
        .await
    })
}

/// Drops `user_id`'s copy of the post `post_id`. Returns whether there was one.
pub async fn discard(db: &Db, user_id: i64, post_id: Option<i64>) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM post_autosaves WHERE user_id = $1 AND COALESCE(post_id, 0) = $2")
            .bind(user_id)
            .bind(key(post_id))
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

/// As [`discard`], inside a save's transaction: what was saved is no longer unsaved.
pub async fn discard_in(
    tx: &mut WriteTx,
    user_id: i64,
    post_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM post_autosaves WHERE user_id = $1 AND COALESCE(post_id, 0) = $2")
            .bind(user_id)
            .bind(key(post_id))
            .execute(conn)
            .await
            .map(|_| ())
    })
}
