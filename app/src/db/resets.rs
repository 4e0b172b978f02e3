//! Password-reset tokens (table `password_resets`, migration 0013), kept as hashes.

use chrono::{DateTime, Utc};

use super::outbox::{self, NewMail};
use super::{now, on_tx, Db};

/// Replaces the account's reset tokens with the one hashed as `token_hash`, valid until
/// `expires_at`, and queues `mail` (the link) — all or nothing.
pub async fn create(
    db: &Db,
    user_id: i64,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    mail: Option<&NewMail<'_>>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    // A newer request makes the older links useless.
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(token_hash)
        .bind(now())
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    if let Some(mail) = mail {
        outbox::enqueue(&mut tx, mail).await?;
    }
    tx.commit().await
}

/// The account whose unexpired token hashes to `token_hash`.
pub async fn account_of(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    super::on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT user_id FROM password_resets WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await
    })
}

/// Uses the token: when it is still unexpired and unused, sets the account's new password
/// hash and deletes every token of the account, returning the account. Two uses at once: one
/// wins, the other finds nothing.
pub async fn redeem(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
    new_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let user: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "DELETE FROM password_resets WHERE token_hash = $1 AND expires_at > $2
             RETURNING user_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    let Some(user) = user else {
        tx.commit().await?;
        return Ok(None);
    };
    super::users::set_password_hash_in(&mut tx, user, new_hash).await?;
    tx.commit().await?;
    Ok(Some(user))
}
