//! Users. Accounts proper (passwords, sessions) arrive with the accounts feature; this is
//! what posts need: an author.

use super::{now, on_pool, Db};
use crate::domain::Role;

pub struct NewUser<'a> {
    pub name: &'a str,
    /// Already normalized (trimmed, lowercase).
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

/// Inserts a user and returns its id.
pub async fn create(db: &Db, user: &NewUser<'_>) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "INSERT INTO users (name, email, password_hash, role, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user.name)
        .bind(user.email)
        .bind(user.password_hash)
        .bind(user.role.as_str())
        .bind(now())
        .fetch_one(pool)
        .await
    })
}

pub async fn id_by_email(db: &Db, email: &str) -> Result<Option<i64>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(pool)
            .await
    })
}
