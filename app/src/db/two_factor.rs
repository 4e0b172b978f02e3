//! Two-factor sign-in (the `users.totp_*` columns and table `recovery_codes`, migration 0014).

use chrono::{DateTime, Utc};

use super::{now, on_pool, on_tx, Db, WriteTx};

/// An account's two-factor sign-in as stored.
#[derive(sqlx::FromRow)]
pub struct Stored {
    /// The secret shown while enrolling, before a first code confirmed it.
    pub totp_pending: Option<String>,
    /// The confirmed secret; `None`: two-factor sign-in is off.
    pub totp_secret: Option<String>,
    /// Unused recovery codes.
    pub codes_left: i64,
}

pub async fn stored(db: &Db, user_id: i64) -> Result<Option<Stored>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT totp_pending, totp_secret,
                    (SELECT COUNT(*) FROM recovery_codes
                      WHERE user_id = users.id AND used_at IS NULL) AS codes_left
               FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await
    })
}

/// Keeps `secret` as the one being enrolled (replacing any earlier one not confirmed).
pub async fn set_pending(db: &Db, user_id: i64, secret: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
            .bind(secret)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Turns two-factor sign-in on with the pending secret `secret`, the step of the code that
/// confirmed it already used, and `code_hashes` as the recovery codes (replacing any). `None`
/// when `secret` is no longer the pending one (enrolment restarted elsewhere, or done).
pub async fn enable(
    db: &Db,
    user_id: i64,
    secret: &str,
    step: i64,
    code_hashes: &[String],
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let since = now();
    let mut tx = db.begin_write().await?;
    let updated = on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_since = $1,
                              totp_last_step = $2
              WHERE id = $3 AND totp_pending = $4",
        )
        .bind(since)
        .bind(step)
        .bind(user_id)
        .bind(secret)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if updated != 1 {
        tx.commit().await?;
        return Ok(None);
    }
    replace_codes_in(&mut tx, user_id, code_hashes).await?;
    tx.commit().await?;
    Ok(Some(since))
}

/// Turns two-factor sign-in off and deletes the recovery codes. Whether it was on.
pub async fn disable(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let updated = on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_since = NULL,
                              totp_last_step = NULL
              WHERE id = $1 AND (totp_secret IS NOT NULL OR totp_pending IS NOT NULL)",
        )
        .bind(user_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    replace_codes_in(&mut tx, user_id, &[]).await?;
    tx.commit().await?;
    Ok(updated == 1)
}

/// Records that a code for `step` was accepted — unless one for this step or a later one
/// already was. Decided and recorded in one statement, so the same code sent twice at once
/// is accepted once. Whether it was accepted.
pub async fn accept_step(db: &Db, user_id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let updated = on_pool!(db, pool => {
        sqlx::query(
            "UPDATE users SET totp_last_step = $1
              WHERE id = $2 AND totp_secret IS NOT NULL
                AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(updated == 1)
}

/// Uses the unused recovery code hashed as `code_hash`, in one statement (two uses at once:
/// one wins). Whether there was one.
pub async fn use_recovery_code(
    db: &Db,
    user_id: i64,
    code_hash: &str,
) -> Result<bool, sqlx::Error> {
    let updated = on_pool!(db, pool => {
        sqlx::query(
            "UPDATE recovery_codes SET used_at = $1
              WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now())
        .bind(user_id)
        .bind(code_hash)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(updated > 0)
}

/// Replaces the account's recovery codes (only while two-factor sign-in is on).
pub async fn replace_codes(
    db: &Db,
    user_id: i64,
    code_hashes: &[String],
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let on: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND totp_secret IS NOT NULL")
            .bind(user_id)
            .fetch_optional(conn)
            .await
    })?;
    if on.is_some() {
        replace_codes_in(&mut tx, user_id, code_hashes).await?;
    }
    tx.commit().await?;
    Ok(on.is_some())
}

async fn replace_codes_in(
    tx: &mut WriteTx,
    user_id: i64,
    code_hashes: &[String],
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    for hash in code_hashes {
        on_tx!(tx, conn => {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(hash)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    Ok(())
}
