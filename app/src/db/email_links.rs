//! Links that prove an address (table `email_links`, migration 0016), kept as hashes: an
//! account's own address, or the one it is changing to. One link per account at a time.

use chrono::{DateTime, Utc};

use super::outbox::{self, NewMail};
use super::{now, on_pool, on_tx, unique_violation, Db};

/// Replaces the account's link with the one hashed as `token_hash`, proving `email` until
/// `expires_at`, and queues `mails` — all or nothing.
pub async fn create(
    db: &Db,
    user_id: i64,
    token_hash: &str,
    email: &str,
    expires_at: DateTime<Utc>,
    mails: &[NewMail<'_>],
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM email_links WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO email_links (user_id, token_hash, email, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user_id)
        .bind(token_hash)
        .bind(email)
        .bind(now())
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    for mail in mails {
        outbox::enqueue(&mut tx, mail).await?;
    }
    tx.commit().await
}

/// The address an unexpired link proves, and for whom.
pub async fn address_of(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT user_id, email FROM email_links WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await
    })
}

/// What using a link did.
#[derive(Debug, PartialEq, Eq)]
pub enum Redeemed {
    /// Expired, used, replaced, or never made.
    Dead,
    /// The address is the account's now, and verified; `changed`: it was another before.
    Verified { user_id: i64, changed: bool },
    /// The account was changing to an address that another account has taken since.
    Taken,
}

/// Uses the link hashed as `token_hash` at `now`: the address it proves becomes the account's,
/// verified, and the account's links — and, when the address changed, its password-reset
/// links, which went to the old one — are deleted. Two uses at once: one wins.
pub async fn redeem(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Redeemed, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let link: Option<(i64, String)> = on_tx!(&mut tx, conn => {
        sqlx::query_as(
            "DELETE FROM email_links WHERE token_hash = $1 AND expires_at > $2
             RETURNING user_id, email",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    let Some((user_id, email)) = link else {
        tx.commit().await?;
        return Ok(Redeemed::Dead);
    };
    let current: Option<String> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await
    })?;
    let changed = current.as_deref() != Some(email.as_str());
    let updated = on_tx!(&mut tx, conn => {
        sqlx::query("UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3")
            .bind(&email)
            .bind(now)
            .bind(user_id)
            .execute(conn)
            .await
            .map(|_| ())
    });
    match updated {
        Err(e) if unique_violation(&e) == Some("users_email_key") => return Ok(Redeemed::Taken),
        other => other?,
    }
    let tables: &[&str] = if changed {
        &["email_links", "password_resets"]
    } else {
        &["email_links"]
    };
    for table in tables {
        let sql = format!("DELETE FROM {table} WHERE user_id = $1");
        on_tx!(&mut tx, conn => {
            sqlx::query(&sql).bind(user_id).execute(conn).await.map(|_| ())
        })?;
    }
    tx.commit().await?;
    Ok(Redeemed::Verified { user_id, changed })
}

/// Whether the account's address is verified, and the address it is changing to, if a link
/// for another one is out.
pub async fn status(db: &Db, user_id: i64) -> Result<(bool, Option<String>), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT users.email_verified_at IS NOT NULL,
                    (SELECT l.email FROM email_links l
                      WHERE l.user_id = users.id AND l.email <> users.email)
               FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_one(pool)
        .await
    })
}

/// Changes an account's address at once, unverified (when the blog cannot mail a link).
/// `false`: another account has it.
pub async fn change_unverified(db: &Db, user_id: i64, email: &str) -> Result<bool, sqlx::Error> {
    let changed = on_pool!(db, pool => {
        sqlx::query("UPDATE users SET email = $1, email_verified_at = NULL WHERE id = $2")
            .bind(email)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|_| ())
    });
    match changed {
        Err(e) if unique_violation(&e) == Some("users_email_key") => Ok(false),
        other => other.map(|()| true),
    }
}
