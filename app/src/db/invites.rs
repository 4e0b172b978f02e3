//! Invitations (table `invites`, migration 0023), kept as hashes of their links' tokens, and
//! what accepting one does: a new account with the invited role, or the role taken on by
//! the account that has the invited address — each in one transaction with using the link.

use chrono::{DateTime, Utc};

use super::outbox::{self, NewMail};
use super::{now, on_pool, on_tx, unique_violation, Db, WriteTx};
use crate::domain::{Email, Role, SessionUser, UserName};

pub struct NewInvite<'a> {
    pub token_hash: &'a str,
    pub email: &'a Email,
    pub role: Role,
    pub invited_by: i64,
    pub expires_at: DateTime<Utc>,
}

/// Records the invitation and queues `mails` (none when the link is shown instead), all or
/// nothing.
pub async fn create(
    db: &Db,
    invite: &NewInvite<'_>,
    mails: &[NewMail<'_>],
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO invites (token_hash, email, role, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(invite.token_hash)
        .bind(invite.email.as_str())
        .bind(invite.role.as_str())
        .bind(invite.invited_by)
        .bind(now())
        .bind(invite.expires_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    for mail in mails {
        outbox::enqueue(&mut tx, mail).await?;
    }
    tx.commit().await
}

/// An invitation as the admin's list and the link's page show it.
#[derive(Debug, sqlx::FromRow)]
pub struct InviteRecord {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub invited_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

const RECORD: &str = "SELECT i.id, i.email, i.role, u.name AS invited_by, i.created_at,
                             i.expires_at, i.used_at
                      FROM invites i LEFT JOIN users u ON u.id = i.invited_by";

/// Invitations not used yet (expired ones too, until withdrawn), newest first.
pub async fn pending(db: &Db) -> Result<Vec<InviteRecord>, sqlx::Error> {
    let sql = format!("{RECORD} WHERE i.used_at IS NULL ORDER BY i.created_at DESC, i.id DESC");
    on_pool!(db, pool => { sqlx::query_as(&sql).fetch_all(pool).await })
}

pub async fn by_token(db: &Db, token_hash: &str) -> Result<Option<InviteRecord>, sqlx::Error> {
    let sql = format!("{RECORD} WHERE i.token_hash = $1");
    on_pool!(db, pool => { sqlx::query_as(&sql).bind(token_hash).fetch_optional(pool).await })
}

/// Withdraws an invitation not used yet: its link does nothing from now on.
pub async fn withdraw(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM invites WHERE id = $1 AND used_at IS NULL")
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

/// Why an invitation was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Used, expired, withdrawn, or never made.
    Dead,
    /// It names another address than the logged-in account's.
    OtherAddress,
    /// An account has the address: it must log in and accept as itself.
    AccountExists,
}

/// Uses the link at `now` (once: a second use finds it used), returning the invited address
/// and role, if it is for `email` (any address with `None`).
async fn claim(
    tx: &mut WriteTx,
    token_hash: &str,
    now: DateTime<Utc>,
    email: Option<&str>,
) -> Result<Result<(i64, String, Role), Refused>, sqlx::Error> {
    let claimed: Option<(i64, String, String)> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(
            "UPDATE invites SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
               AND ($3 IS NULL OR email = $3)
             RETURNING id, email, role",
        )
        .bind(token_hash)
        .bind(now)
        .bind(email)
        .fetch_optional(conn)
        .await
    })?;
    if let Some((id, email, role)) = claimed {
        return Ok(Ok((id, email, Role::parse(&role).unwrap_or(Role::Reader))));
    }
    // Nothing matched: tell a live link for another address from a dead one.
    let live: Option<i64> = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar(
            "SELECT id FROM invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    Ok(Err(if live.is_some() {
        Refused::OtherAddress
    } else {
        Refused::Dead
    }))
}

async fn mark_used_by(tx: &mut WriteTx, invite_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE invites SET used_by = $1 WHERE id = $2")
            .bind(user_id)
            .bind(invite_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// Makes an account for the invited address with the invited role, its address confirmed
/// (the link reached it), and uses the link.
pub async fn accept_as_new(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
    name: &UserName,
    password_hash: &str,
) -> Result<Result<SessionUser, Refused>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let (invite_id, email, role) = match claim(&mut tx, token_hash, now, None).await? {
        Ok(claimed) => claimed,
        Err(refused) => return Ok(Err(refused)),
    };
    let inserted: Result<i64, sqlx::Error> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO users (name, email, password_hash, role, created_at, email_verified_at)
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(name.as_str())
        .bind(&email)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now)
        .fetch_one(conn)
        .await
    });
    let id = match inserted {
        Ok(id) => id,
        // Dropping the transaction leaves the link unused.
        Err(e) if unique_violation(&e) == Some("users_email_key") => {
            return Ok(Err(Refused::AccountExists))
        }
        Err(e) => return Err(e),
    };
    mark_used_by(&mut tx, invite_id, id).await?;
    tx.commit().await?;
    let user = SessionUser::new(
        id,
        name.as_str().to_owned(),
        email,
        role,
        password_hash.to_owned(),
        None,
    );
    Ok(Ok(user))
}

/// Gives the logged-in account `user_id` (address `email`) the invited role — never a lower
/// one than it has — and uses the link. Returns the role it has now.
pub async fn accept_as_member(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
    user_id: i64,
    email: &str,
) -> Result<Result<Role, Refused>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let (invite_id, _, invited) = match claim(&mut tx, token_hash, now, Some(email)).await? {
        Ok(claimed) => claimed,
        Err(refused) => return Ok(Err(refused)),
    };
    let current: String = on_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(conn)
            .await
    })?;
    let current = Role::parse(&current).unwrap_or(Role::Reader);
    let role = Role::higher(current, invited);
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE users SET role = $1, email_verified_at = COALESCE(email_verified_at, $2)
             WHERE id = $3",
        )
        .bind(role.as_str())
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    mark_used_by(&mut tx, invite_id, user_id).await?;
    tx.commit().await?;
    Ok(Ok(role))
}
