//! Mail waiting to be sent (table `outbox`, migration 0012).

use chrono::{DateTime, Utc};

use super::{now, on_pool, on_tx, Db, WriteTx};

/// A mail to queue.
pub struct NewMail<'a> {
    pub kind: &'static str,
    pub recipient: &'a str,
    pub reply_to: Option<&'a str>,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: Option<&'a str>,
    pub message_id: Option<i64>,
    /// The unsubscribe address for the List-Unsubscribe headers (RFC 8058), for mail to
    /// subscribers.
    pub list_unsubscribe: Option<&'a str>,
}

/// A queued mail, as the sender reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub attempts: i32,
    pub list_unsubscribe: Option<String>,
}

/// Queues `mail` inside `tx`, so it exists exactly when what it tells about does.
pub async fn enqueue(tx: &mut WriteTx, mail: &NewMail<'_>) -> Result<i64, sqlx::Error> {
    let now = now();
    on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO outbox (kind, recipient, reply_to, subject, text_body, html_body,
                                 message_id, created_at, next_attempt_at, list_unsubscribe)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
        )
        .bind(mail.kind)
        .bind(mail.recipient)
        .bind(mail.reply_to)
        .bind(mail.subject)
        .bind(mail.text_body)
        .bind(mail.html_body)
        .bind(mail.message_id)
        .bind(now)
        .bind(mail.list_unsubscribe)
        .fetch_one(conn)
        .await
    })
}

/// Claims the mail that has waited longest among those due, counting the attempt and moving
/// its next attempt to `lease_until`: another sender (here or on another instance) skips it
/// meanwhile, and if this one dies mid-send, the mail is tried again after the lease.
pub async fn claim(
    db: &Db,
    lease_until: DateTime<Utc>,
    max_attempts: i32,
) -> Result<Option<QueuedMail>, sqlx::Error> {
    let now = now();
    // The outer `next_attempt_at <= $1` is checked again on the locked row (PostgreSQL
    // re-reads it after waiting for a concurrent claim), so two senders never both win.
    let rows: Vec<QueuedMail> = on_pool!(db, pool => {
        sqlx::query_as(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2
             WHERE id = (SELECT id FROM outbox
                         WHERE sent_at IS NULL AND next_attempt_at <= $1 AND attempts < $3
                         ORDER BY next_attempt_at, id LIMIT 1)
               AND next_attempt_at <= $1 AND sent_at IS NULL
             RETURNING id, kind, recipient, reply_to, subject, text_body, html_body, attempts,
                       list_unsubscribe",
        )
        .bind(now)
        .bind(lease_until)
        .bind(max_attempts)
        .fetch_all(pool)
        .await
    })?;
    Ok(super::returned(rows))
}

/// When the next unsent mail is due, if any is left to try.
pub async fn next_due(db: &Db, max_attempts: i32) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE sent_at IS NULL AND attempts < $1",
        )
        .bind(max_attempts)
        .fetch_one(pool)
        .await
    })
}

/// Records that the SMTP server accepted mail `id` (and marks the contact message it
/// forwards as mailed).
pub async fn mark_sent(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let now = now();
    on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE outbox SET sent_at = $2, last_error = NULL WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE messages SET mailed = TRUE
             WHERE id = (SELECT message_id FROM outbox WHERE id = $1)",
        )
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    tx.commit().await
}

/// Records why mail `id` was not sent, and when to try again.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE outbox SET last_error = $2, next_attempt_at = $3 WHERE id = $1")
            .bind(id)
            .bind(error)
            .bind(retry_at)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Gives mail `id` up: the SMTP server refused it for good (a 5xx for its recipient), so it is
/// never tried again, and says why.
pub async fn give_up(db: &Db, id: i64, error: &str, max_attempts: i32) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE outbox SET last_error = $2, attempts = $3 WHERE id = $1")
            .bind(id)
            .bind(error)
            .bind(max_attempts)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Why the mail forwarding each contact message is not sent yet, by message id: the last
/// error, how many attempts, and when the next one is due.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub message_id: i64,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
}

/// A mail that failed at least once and is not sent yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Unsent {
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
}

/// The newest 50 mails that failed at least once and are not sent yet.
pub async fn unsent(db: &Db) -> Result<Vec<Unsent>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT kind, recipient, subject, attempts, last_error, next_attempt_at FROM outbox
             WHERE sent_at IS NULL AND last_error IS NOT NULL
             ORDER BY created_at DESC, id DESC LIMIT 50",
        )
        .fetch_all(pool)
        .await
    })
}

pub async fn pending_for_messages(db: &Db) -> Result<Vec<Pending>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT message_id, attempts, last_error, next_attempt_at FROM outbox
             WHERE sent_at IS NULL AND message_id IS NOT NULL",
        )
        .fetch_all(pool)
        .await
    })
}
