//! Users and their accounts.

use chrono::{DateTime, Utc};

use super::{now, on_pool, on_tx, unique_violation, Db, WriteTx};
use crate::domain::{Email, Role, SessionUser, UserListing, UserName};

pub struct NewUser<'a> {
    pub name: &'a UserName,
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub role: Role,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this email exists")]
    DuplicateEmail,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn map_insert_error(e: sqlx::Error) -> CreateUserError {
    match unique_violation(&e) {
        Some("users_email_key") => CreateUserError::DuplicateEmail,
        _ => CreateUserError::Db(e),
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    password_hash: String,
    totp_since: Option<DateTime<Utc>>,
}

impl UserRow {
    fn into_session_user(self) -> SessionUser {
        SessionUser::new(
            self.id,
            self.name,
            self.email,
            // The CHECK constraint allows nothing else; should it ever, the least power wins.
            Role::parse(&self.role).unwrap_or(Role::Reader),
            self.password_hash,
            self.totp_since,
        )
    }
}

const USER_COLUMNS: &str = "id, name, email, role, password_hash, totp_since";

/// Inserts a user with the given role and returns its id.
pub async fn create(db: &Db, user: &NewUser<'_>) -> Result<i64, CreateUserError> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "INSERT INTO users (name, email, password_hash, role, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user.name.as_str())
        .bind(user.email.as_str())
        .bind(user.password_hash)
        .bind(user.role.as_str())
        .bind(now())
        .fetch_all(pool)
        .await
        .and_then(|rows| super::returned(rows).ok_or(sqlx::Error::RowNotFound))
    })
    .map_err(map_insert_error)
}

/// Registers a reader — or an admin: the account whose email is `admin_email` when that is
/// set, else the first account while the blog has no admin.
pub async fn register(
    db: &Db,
    name: &UserName,
    email: &Email,
    password_hash: &str,
    admin_email: Option<&str>,
) -> Result<SessionUser, CreateUserError> {
    let mut tx = db.begin_write().await?;
    if let WriteTx::Postgres(tx) = &mut tx {
        // Two first sign-ups at once must not both see "no admin yet". (SQLite's
        // BEGIN IMMEDIATE already serializes writers.)
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await?;
    }
    let role = match admin_email {
        Some(admin) => {
            if admin == email.as_str() {
                Role::Admin
            } else {
                Role::Reader
            }
        }
        None => {
            let has_admin: bool = on_tx!(&mut tx, conn => {
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin')")
                    .fetch_one(conn)
                    .await
            })?;
            if has_admin {
                Role::Reader
            } else {
                Role::Admin
            }
        }
    };
    let sql = format!(
        "INSERT INTO users (name, email, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLUMNS}"
    );
    let row: UserRow = on_tx!(&mut tx, conn => {
        sqlx::query_as(&sql)
            .bind(name.as_str())
            .bind(email.as_str())
            .bind(password_hash)
            .bind(role.as_str())
            .bind(now())
            .fetch_one(conn)
            .await
    })
    .map_err(map_insert_error)?;
    tx.commit().await?;
    Ok(row.into_session_user())
}

pub async fn by_email(db: &Db, email: &Email) -> Result<Option<SessionUser>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    let row: Option<UserRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(email.as_str()).fetch_optional(pool).await
    })?;
    Ok(row.map(UserRow::into_session_user))
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(id).fetch_optional(pool).await
    })?;
    Ok(row.map(UserRow::into_session_user))
}

pub async fn id_by_email(db: &Db, email: &Email) -> Result<Option<i64>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(pool)
            .await
    })
}

pub async fn rename(db: &Db, id: i64, name: &UserName) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
            .bind(name.as_str())
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Sets a new password hash; the account's password-reset links stop working with the old
/// password.
pub async fn set_password_hash(db: &Db, id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    set_password_hash_in(&mut tx, id, password_hash).await?;
    tx.commit().await
}

/// [`set_password_hash`] inside a transaction of the caller's.
pub(super) async fn set_password_hash_in(
    tx: &mut WriteTx,
    id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// Sets a new hash where the account still has `old_hash`. Returns whether it did.
pub async fn replace_password_hash(
    db: &Db,
    id: i64,
    old_hash: &str,
    new_hash: &str,
) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3")
            .bind(new_hash)
            .bind(id)
            .bind(old_hash)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

/// Makes the account with `email` an admin. Returns whether such an account exists.
pub async fn promote(db: &Db, email: &Email) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE users SET role = 'admin' WHERE email = $1")
            .bind(email.as_str())
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

#[derive(sqlx::FromRow)]
struct ListingRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    created_at: DateTime<Utc>,
    email_verified_at: Option<DateTime<Utc>>,
}

/// Every user, oldest account first.
pub async fn list(db: &Db) -> Result<Vec<UserListing>, sqlx::Error> {
    let rows: Vec<ListingRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, name, email, role, created_at, email_verified_at FROM users
             WHERE removed_at IS NULL ORDER BY id",
        )
            .fetch_all(pool)
            .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| UserListing {
            id: r.id,
            name: r.name,
            email: r.email,
            role: Role::parse(&r.role).unwrap_or(Role::Reader),
            created_at: r.created_at,
            email_verified: r.email_verified_at.is_some(),
        })
        .collect())
}

/// Gives the account `id` another role. `false`: there is no such account (or it was
/// removed).
pub async fn set_role(db: &Db, id: i64, role: Role) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE users SET role = $1 WHERE id = $2 AND removed_at IS NULL")
            .bind(role.as_str())
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

/// Removes the person with account `id`, keeping what they wrote under their name: the
/// account can no longer log in (no password, no two-factor secret, no sessions, no open
/// links), holds no role, and its address is freed for a new account. `false`: there is no
/// such account, or it was removed already.
pub async fn remove(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let removed = on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE users SET email = 'removed-' || CAST(id AS TEXT) || '@removed.invalid',
                 password_hash = '!', role = 'reader', totp_pending = NULL, totp_secret = NULL,
                 totp_since = NULL, email_verified_at = NULL, removed_at = $2
             WHERE id = $1 AND removed_at IS NULL",
        )
        .bind(id)
        .bind(now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected() > 0)
    })?;
    if !removed {
        return Ok(false);
    }
    for sql in [
        "DELETE FROM sessions WHERE id IN (SELECT session_id FROM session_devices WHERE user_id = $1)",
        "DELETE FROM session_devices WHERE user_id = $1",
        "DELETE FROM password_resets WHERE user_id = $1",
        "DELETE FROM email_links WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM post_autosaves WHERE user_id = $1",
    ] {
        on_tx!(&mut tx, conn => {
            sqlx::query(sql).bind(id).execute(conn).await.map(|_| ())
        })?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Whether user `id` is mailed replies to their comments.
pub async fn notify_replies(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT notify_replies FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(pool)
            .await
    })
}

pub async fn set_notify_replies(db: &Db, user_id: i64, on: bool) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("UPDATE users SET notify_replies = $1 WHERE id = $2")
            .bind(on)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}
