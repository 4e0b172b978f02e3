//! Writing a blog brought in from files (`quire import-markdown`), all inside the import's one
//! transaction: a failure anywhere leaves the database as it was.

use chrono::{DateTime, Utc};

use super::{now, on_tx, WriteTx};
use crate::domain::{
    BodyFormat, CommentStatus, Email, OldAddress, PostTitle, Role, Slug, UserName,
};

/// How many posts there are, to refuse a blog that has some (unless told to replace them).
pub async fn post_count(tx: &mut WriteTx) -> Result<i64, sqlx::Error> {
    on_tx!(tx, conn => sqlx::query_scalar("SELECT COUNT(*) FROM posts").fetch_one(conn).await)
}

/// Deletes every post (their comments, tags and mailings go with them) and the tags left
/// without posts. Accounts and images stay.
pub async fn delete_posts(tx: &mut WriteTx) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM posts").execute(&mut *conn).await.map(|_| ()))?;
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM post_tags)")
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })
}

/// The id of the account with `email`, made with `role` when there is none (without a
/// password: it logs in once one is set, by a reset or `quire admin set-password`).
pub async fn account(
    tx: &mut WriteTx,
    name: &UserName,
    email: &Email,
    role: Role,
) -> Result<i64, sqlx::Error> {
    let found: Option<i64> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(conn)
            .await
    })?;
    if let Some(id) = found {
        return Ok(id);
    }
    on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO users (name, email, password_hash, role, created_at)
             VALUES ($1, $2, '!', $3, $4) RETURNING id",
        )
        .bind(name.as_str())
        .bind(email.as_str())
        .bind(role.as_str())
        .bind(now())
        .fetch_one(conn)
        .await
    })
}

/// A post as the files describe it, under the slug they give.
pub struct ImportedPost<'a> {
    pub author_id: i64,
    pub title: &'a PostTitle,
    pub subtitle: &'a str,
    pub slug: &'a Slug,
    pub body: &'a str,
    pub body_format: BodyFormat,
    pub cover_url: Option<&'a str>,
    /// `None`: a draft.
    pub published_at: Option<DateTime<Utc>>,
}

pub async fn insert_post(tx: &mut WriteTx, post: &ImportedPost<'_>) -> Result<i64, sqlx::Error> {
    let created = post.published_at.unwrap_or_else(now);
    on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO posts
                 (author_id, title, subtitle, slug, body, body_format, cover_url, created_at,
                  updated_at, published_at, preview_token)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)
             RETURNING id",
        )
        .bind(post.author_id)
        .bind(post.title.as_str())
        .bind(post.subtitle)
        .bind(post.slug.as_str())
        .bind(post.body)
        .bind(post.body_format.as_str())
        .bind(post.cover_url)
        .bind(created)
        .bind(post.published_at)
        .bind(super::posts::preview_token())
        .fetch_one(conn)
        .await
    })
}

/// A comment as the files keep it.
pub struct ImportedComment<'a> {
    pub post_id: i64,
    pub author_id: i64,
    pub body: &'a str,
    pub body_format: BodyFormat,
    pub status: CommentStatus,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_comment(
    tx: &mut WriteTx,
    comment: &ImportedComment<'_>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO comments (post_id, author_id, body, body_format, created_at, status)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(comment.post_id)
        .bind(comment.author_id)
        .bind(comment.body)
        .bind(comment.body_format.as_str())
        .bind(comment.created_at)
        .bind(comment.status.as_str())
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })
}

/// Records that the post `post_id` was at `address` on the blog it came from (the first post
/// to claim an address keeps it).
pub async fn old_address(
    tx: &mut WriteTx,
    address: &OldAddress,
    post_id: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO old_addresses (address, post_id) VALUES ($1, $2)
             ON CONFLICT (address) DO NOTHING",
        )
        .bind(address.as_str())
        .bind(post_id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })
}
