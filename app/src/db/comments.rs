//! Comments on posts.

use chrono::{DateTime, Utc};

use super::{now, on_pool, Db};

#[derive(Debug, sqlx::FromRow)]
pub struct CommentRecord {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A post's comments, oldest first, with their authors — one query, however many there are.
pub async fn for_post(db: &Db, post_id: i64) -> Result<Vec<CommentRecord>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT c.id, c.author_id, u.name AS author_name, u.email AS author_email, c.body, c.created_at
             FROM comments c JOIN users u ON u.id = c.author_id
             WHERE c.post_id = $1
             ORDER BY c.created_at, c.id",
        )
        .bind(post_id)
        .fetch_all(pool)
        .await
    })
}

/// Adds a comment to the post at `slug`. Returns `None` when there is no such post.
pub async fn create(
    db: &Db,
    slug: &str,
    author_id: i64,
    body: &str,
) -> Result<Option<i64>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "INSERT INTO comments (post_id, author_id, body, created_at)
             SELECT id, $2, $3, $4 FROM posts WHERE slug = $1
             RETURNING id",
        )
        .bind(slug)
        .bind(author_id)
        .bind(body)
        .bind(now())
        .fetch_all(pool)
        .await
        .map(super::returned)
    })
}

/// Deletes a comment if `user_id` wrote it or `is_admin`; the rule is in the SQL, so no
/// comment can be deleted by anyone else. Returns whether one was deleted.
pub async fn delete(db: &Db, id: i64, user_id: i64, is_admin: bool) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM comments WHERE id = $1 AND (author_id = $2 OR $3)")
            .bind(id)
            .bind(user_id)
            .bind(is_admin)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

/// Whether a comment with `id` exists (to tell "not yours" from "not there").
pub async fn exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM comments WHERE id = $1)")
            .bind(id)
            .fetch_one(pool)
            .await
    })
}
