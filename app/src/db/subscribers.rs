//! Subscribers, the posts to mail them, and each mail of a post to one of them (tables
//! `subscribers`, `post_newsletters`, `post_mailings`; migration 0017).

use chrono::{DateTime, Utc};

use super::outbox::{self, NewMail};
use super::{now, on_pool, on_tx, returned, Db, WriteTx};
use crate::domain::{Email, SubscriberStatus};

/// A subscriber found by a link.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    status: String,
}

impl Subscriber {
    pub fn status(&self) -> SubscriberStatus {
        SubscriberStatus::parse(&self.status).unwrap_or(SubscriberStatus::Unsubscribed)
    }
}

/// What asking to subscribe did.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// A confirmation link was queued (new, pending, or once unsubscribed or bouncing).
    LinkSent,
    /// Already confirmed: nothing changes and nothing is sent.
    AlreadyConfirmed,
}

/// Records a request to subscribe `email` with a confirmation link hashed as `token_hash`,
/// valid until `expires_at`, and queues `mail` (the link) — unless the address is confirmed
/// already. All or nothing.
pub async fn request(
    db: &Db,
    email: &Email,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    mail: &NewMail<'_>,
) -> Result<Requested, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let now = now();
    let changed: Vec<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO subscribers (email, status, confirm_token_hash, confirm_expires_at,
                                      created_at)
             VALUES ($1, 'pending', $2, $3, $4)
             ON CONFLICT (email) DO UPDATE
                 SET status = 'pending', confirm_token_hash = excluded.confirm_token_hash,
                     confirm_expires_at = excluded.confirm_expires_at
                 WHERE subscribers.status <> 'confirmed'
             RETURNING id",
        )
        .bind(email.as_str())
        .bind(token_hash)
        .bind(expires_at)
        .bind(now)
        .fetch_all(&mut *conn)
        .await
    })?;
    if changed.is_empty() {
        tx.rollback().await?;
        return Ok(Requested::AlreadyConfirmed);
    }
    outbox::enqueue(&mut tx, mail).await?;
    tx.commit().await?;
    Ok(Requested::LinkSent)
}

/// Subscribes `email` at once, confirmed: for a logged-in reader whose address is verified.
pub async fn subscribe_confirmed(db: &Db, email: &Email) -> Result<(), sqlx::Error> {
    let now = now();
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO subscribers (email, status, created_at, confirmed_at)
             VALUES ($1, 'confirmed', $2, $2)
             ON CONFLICT (email) DO UPDATE
                 SET status = 'confirmed', confirmed_at = excluded.confirmed_at, bounces = 0,
                     confirm_token_hash = NULL, confirm_expires_at = NULL
                 WHERE subscribers.status <> 'confirmed'",
        )
        .bind(email.as_str())
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Whether the account's address is verified (a verified reader subscribes in one click).
pub async fn account_verified(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let verified: Option<bool> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT email_verified_at IS NOT NULL FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(verified.unwrap_or(false))
}

/// Confirms the pending subscription whose link is hashed as `token_hash`, if the link is
/// still good at `now`. Returns whether it did.
pub async fn confirm(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let rows: Vec<i64> = on_pool!(db, pool => {
        sqlx::query_scalar(
            "UPDATE subscribers SET status = 'confirmed', confirmed_at = $2, bounces = 0,
                 confirm_token_hash = NULL, confirm_expires_at = NULL
             WHERE confirm_token_hash = $1 AND confirm_expires_at > $2 AND status = 'pending'
             RETURNING id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_all(pool)
        .await
    })?;
    Ok(returned(rows).is_some())
}

/// The subscriber a pending confirmation link names, if it is still good at `now`.
pub async fn by_confirm_token(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Subscriber>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, email, status FROM subscribers
             WHERE confirm_token_hash = $1 AND confirm_expires_at > $2 AND status = 'pending'",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await
    })
}

/// The subscriber a mailed post's unsubscribe link (hashed as `token_hash`) was sent to.
pub async fn by_unsubscribe_token(
    db: &Db,
    token_hash: &str,
) -> Result<Option<Subscriber>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT s.id, s.email, s.status FROM post_mailings m
             JOIN subscribers s ON s.id = m.subscriber_id
             WHERE m.unsubscribe_token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await
    })
}

/// Unsubscribes the subscriber, and takes back every mail of a post still waiting for them
/// (one being handed to the SMTP server this instant may still go).
pub async fn unsubscribe(db: &Db, subscriber_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let now = now();
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $2,
                 confirm_token_hash = NULL, confirm_expires_at = NULL
             WHERE id = $1",
        )
        .bind(subscriber_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })?;
    take_back_unsent(&mut tx, subscriber_id, None).await?;
    tx.commit().await
}

/// Deletes the subscriber and every mail to their address that Quire still has: the
/// unsubscribe page's "delete my address". Returns whether there was such a subscriber.
pub async fn forget(db: &Db, subscriber_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "DELETE FROM outbox WHERE kind IN ('post', 'subscription')
                 AND recipient = (SELECT email FROM subscribers WHERE id = $1)",
        )
        .bind(subscriber_id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })?;
    let deleted = on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM subscribers WHERE id = $1")
            .bind(subscriber_id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected() > 0)
    })?;
    tx.commit().await?;
    Ok(deleted)
}

/// Deletes the subscriber's mails not sent yet, but `keep` (the refused one, kept as the
/// record of it).
async fn take_back_unsent(
    tx: &mut WriteTx,
    subscriber_id: i64,
    keep: Option<i64>,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query(
            "DELETE FROM outbox WHERE sent_at IS NULL AND id <> COALESCE($2, -1) AND id IN
                 (SELECT outbox_id FROM post_mailings WHERE subscriber_id = $1)",
        )
        .bind(subscriber_id)
        .bind(keep)
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })
}

/// How many subscribers are in each state.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT status, COUNT(*) FROM subscribers GROUP BY status")
            .fetch_all(pool)
            .await
    })
}

/// A subscriber in the admin's list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub email: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// Subscribers whose address contains `search` (any, when empty), newest first.
pub async fn list(
    db: &Db,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    // Addresses are stored lowercased; `\` escapes LIKE's wildcards typed in the search.
    let escaped = search
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, email, status, created_at FROM subscribers
             WHERE email LIKE $1 ESCAPE '\\'
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
    })
}

/// Every subscriber, oldest first, for `quire subscribers export`.
pub async fn all(db: &Db) -> Result<Vec<Exported>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT email, status, created_at, confirmed_at FROM subscribers ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Exported {
    pub email: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// What importing one address did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// New, confirmed: the file says it opted in.
    Confirmed,
    /// New, or pending before, without an opt-in: waits for the owner to subscribe.
    Pending,
    /// Was pending, and the file says it opted in.
    NowConfirmed,
    /// Confirmed already: unchanged.
    Unchanged,
    /// Unsubscribed or bouncing here: never subscribed again by an import.
    KeptOut,
}

/// Imports `email`, confirmed when `opted_in`, inside the import's transaction.
pub async fn import(
    tx: &mut WriteTx,
    email: &Email,
    opted_in: bool,
    now: DateTime<Utc>,
) -> Result<Imported, sqlx::Error> {
    let status: Option<String> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT status FROM subscribers WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut *conn)
            .await
    })?;
    let (sql, outcome) = match (
        status.as_deref().and_then(SubscriberStatus::parse),
        opted_in,
    ) {
        (None, true) => (
            "INSERT INTO subscribers (email, status, created_at, confirmed_at)
             VALUES ($1, 'confirmed', $2, $2)",
            Imported::Confirmed,
        ),
        (None, false) => (
            "INSERT INTO subscribers (email, status, created_at) VALUES ($1, 'pending', $2)",
            Imported::Pending,
        ),
        (Some(SubscriberStatus::Pending), true) => (
            "UPDATE subscribers SET status = 'confirmed', confirmed_at = $2,
                 confirm_token_hash = NULL, confirm_expires_at = NULL
             WHERE email = $1",
            Imported::NowConfirmed,
        ),
        (Some(SubscriberStatus::Pending), false) => return Ok(Imported::Pending),
        (Some(SubscriberStatus::Confirmed), _) => return Ok(Imported::Unchanged),
        (Some(SubscriberStatus::Unsubscribed | SubscriberStatus::Bouncing), _) => {
            return Ok(Imported::KeptOut)
        }
    };
    on_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(email.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|_| outcome)
    })
}

/// Confirmed subscribers: how many the editor's "Email this post to N subscribers" says.
pub async fn count_confirmed(db: &Db) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM subscribers WHERE status = 'confirmed'")
            .fetch_one(pool)
            .await
    })
}

/// Marks the post to be mailed to the subscribers once it is out (`wanted`), or not — unless
/// it was mailed already, which no edit changes.
pub async fn want_newsletter(
    tx: &mut WriteTx,
    post_id: i64,
    wanted: bool,
) -> Result<(), sqlx::Error> {
    let sql = if wanted {
        "INSERT INTO post_newsletters (post_id, state) VALUES ($1, 'wanted')
         ON CONFLICT (post_id) DO NOTHING"
    } else {
        "DELETE FROM post_newsletters WHERE post_id = $1 AND state = 'wanted'"
    };
    on_tx!(tx, conn => {
        sqlx::query(sql).bind(post_id).execute(&mut *conn).await.map(|_| ())
    })
}

/// The post's newsletter: `wanted`, `queued`, or none.
pub async fn newsletter_state(db: &Db, post_id: i64) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT state FROM post_newsletters WHERE post_id = $1")
            .bind(post_id)
            .fetch_optional(pool)
            .await
    })
}

/// The slugs of the posts waiting to be mailed that are out at `now`.
pub async fn due_newsletters(db: &Db, now: DateTime<Utc>) -> Result<Vec<String>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT p.slug FROM post_newsletters n JOIN posts p ON p.id = n.post_id
             WHERE n.state = 'wanted' AND p.published_at IS NOT NULL AND p.published_at <= $1
             ORDER BY p.published_at",
        )
        .bind(now)
        .fetch_all(pool)
        .await
    })
}

/// Takes the post's newsletter for this sender: `false` when another (an instance, an
/// earlier run) has taken it, or it is no longer wanted.
pub async fn take_newsletter(tx: &mut WriteTx, post_id: i64) -> Result<bool, sqlx::Error> {
    let rows: Vec<i64> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "UPDATE post_newsletters SET state = 'queued', queued_at = $2
             WHERE post_id = $1 AND state = 'wanted' RETURNING post_id",
        )
        .bind(post_id)
        .bind(now())
        .fetch_all(&mut *conn)
        .await
    })?;
    Ok(!rows.is_empty())
}

/// Confirmed subscribers, id and address, in the order they are mailed.
pub async fn confirmed(tx: &mut WriteTx) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, email FROM subscribers WHERE status = 'confirmed' ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await
    })
}

/// Queues `mail`, the post for one subscriber, unless that subscriber has it already.
pub async fn queue_mailing(
    tx: &mut WriteTx,
    post_id: i64,
    subscriber_id: i64,
    unsubscribe_token_hash: &str,
    mail: &NewMail<'_>,
) -> Result<bool, sqlx::Error> {
    let rows: Vec<i64> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO post_mailings (post_id, subscriber_id, unsubscribe_token_hash)
             VALUES ($1, $2, $3) ON CONFLICT (post_id, subscriber_id) DO NOTHING RETURNING id",
        )
        .bind(post_id)
        .bind(subscriber_id)
        .bind(unsubscribe_token_hash)
        .fetch_all(&mut *conn)
        .await
    })?;
    let Some(mailing) = rows.into_iter().next() else {
        return Ok(false);
    };
    let outbox_id = outbox::enqueue(tx, mail).await?;
    on_tx!(tx, conn => {
        sqlx::query("UPDATE post_mailings SET outbox_id = $1 WHERE id = $2")
            .bind(outbox_id)
            .bind(mailing)
            .execute(&mut *conn)
            .await
            .map(|_| true)
    })
}

/// A mail of a post was accepted: its subscriber's run of refusals is over.
pub async fn delivered(db: &Db, outbox_id: i64) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(
            "UPDATE subscribers SET bounces = 0 WHERE bounces > 0 AND id =
                 (SELECT subscriber_id FROM post_mailings WHERE outbox_id = $1)",
        )
        .bind(outbox_id)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// The SMTP server refused a mail of a post for good: one more refusal for its subscriber,
/// who is `bouncing` (no longer mailed, and their waiting mails taken back) at `limit`.
pub async fn bounced(db: &Db, outbox_id: i64, limit: i32) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let rows: Vec<(i64, String)> = on_tx!(&mut tx, conn => {
        sqlx::query_as(
            "UPDATE subscribers SET bounces = bounces + 1,
                 status = CASE WHEN bounces + 1 >= $2 AND status = 'confirmed'
                               THEN 'bouncing' ELSE status END
             WHERE id = (SELECT subscriber_id FROM post_mailings WHERE outbox_id = $1)
             RETURNING id, status",
        )
        .bind(outbox_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await
    })?;
    if let Some((subscriber_id, status)) = rows.into_iter().next() {
        if status == SubscriberStatus::Bouncing.as_str() {
            take_back_unsent(&mut tx, subscriber_id, Some(outbox_id)).await?;
        }
    }
    tx.commit().await
}

/// A post's mails: queued (not sent yet), sent, and given up on.
pub async fn mailing_counts(
    db: &Db,
    post_id: i64,
    max_attempts: i32,
) -> Result<(i64, i64, i64), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT
                 COALESCE(SUM(CASE WHEN o.sent_at IS NULL AND o.attempts < $2 THEN 1 ELSE 0 END), 0),
                 COALESCE(SUM(CASE WHEN o.sent_at IS NOT NULL THEN 1 ELSE 0 END), 0),
                 COALESCE(SUM(CASE WHEN o.sent_at IS NULL AND o.attempts >= $2 THEN 1 ELSE 0 END), 0)
             FROM post_mailings m JOIN outbox o ON o.id = m.outbox_id
             WHERE m.post_id = $1",
        )
        .bind(post_id)
        .bind(max_attempts)
        .fetch_one(pool)
        .await
    })
}
