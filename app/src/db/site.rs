//! Settings the admin edits, and contact messages.

use chrono::{DateTime, Utc};

use super::outbox::NewMail;
use super::{now, on_pool, on_tx, Db};

pub async fn setting(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(pool).await
    })
}

pub async fn set_setting(db: &Db, key: &str, value: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(now())
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// The `settings` key of "hold new comments for approval": `true` or `false`.
const HOLD_COMMENTS: &str = "hold_comments";

/// Whether new comments by readers wait for the admin's approval. Off until the admin turns
/// it on.
pub async fn hold_comments(db: &Db) -> Result<bool, sqlx::Error> {
    Ok(setting(db, HOLD_COMMENTS).await?.as_deref() == Some("true"))
}

pub async fn set_hold_comments(db: &Db, hold: bool) -> Result<(), sqlx::Error> {
    set_setting(db, HOLD_COMMENTS, if hold { "true" } else { "false" }).await
}

pub struct NewMessage<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub body: &'a str,
}

/// Keeps a contact message and, when there is one, queues the mail that forwards it — both
/// or neither.
pub async fn add_message(
    db: &Db,
    message: &NewMessage<'_>,
    forward: Option<NewMail<'_>>,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO messages (name, email, phone, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(message.name)
        .bind(message.email)
        .bind(message.phone)
        .bind(message.body)
        .bind(now())
        .fetch_one(conn)
        .await
    })?;
    if let Some(forward) = forward {
        let forward = NewMail {
            message_id: Some(id),
            ..forward
        };
        super::outbox::enqueue(&mut tx, &forward).await?;
    }
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, sqlx::FromRow)]
pub struct MessageRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub mailed: bool,
}

/// The inbox, newest first.
pub async fn messages(db: &Db) -> Result<Vec<MessageRecord>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, name, email, phone, body, created_at, read_at, mailed FROM messages
             ORDER BY created_at DESC, id DESC LIMIT 500",
        )
        .fetch_all(pool)
        .await
    })
}

/// Marks a message read or unread. Returns whether it exists.
pub async fn set_read(db: &Db, id: i64, read: bool) -> Result<bool, sqlx::Error> {
    let read_at = read.then(now);
    on_pool!(db, pool => {
        sqlx::query("UPDATE messages SET read_at = $1 WHERE id = $2")
            .bind(read_at)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}
