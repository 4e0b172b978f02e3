//! The login backend for axum-login: finds users and checks their passwords.

use std::sync::Arc;

use crate::db::{self, Db};
use crate::domain::{Email, SessionUser};
use crate::freshness::Freshness;

use super::kept::Kept;
use super::password;

impl axum_login::AuthUser for SessionUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Sessions are bound to the password and to two-factor sign-in being on or off: when
    /// either changes, every other session of the user stops being valid.
    fn session_auth_hash(&self) -> &[u8] {
        self.session_stamp()
    }
}

/// The account with `email` if `password` is its password. An imported Flask hash that
/// verifies is replaced by an argon2id one on the way (see [`upgrade`]).
pub async fn check_credentials(
    db: &db::Db,
    email: &Email,
    password: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let user = db::users::by_email(db, email).await?;
    // Unknown emails are checked against an unusable hash, which costs the same time.
    let stored_hash = user.as_ref().map_or("!", |u| u.password_hash.as_str());
    let matches = password::verify(password, stored_hash).await;
    let Some(mut user) = user.filter(|_| matches) else {
        return Ok(None);
    };
    if password::needs_upgrade(&user.password_hash) {
        upgrade(db, &mut user, password).await?;
    }
    Ok(Some(user))
}

/// Replaces an imported Flask (Werkzeug) hash that just verified with an argon2id one, in
/// the login's own request: one login and the account is on Quire's hashing. The update
/// names the old hash, so two logins at once cannot undo each other's upgrade.
async fn upgrade(db: &db::Db, user: &mut SessionUser, typed: &str) -> Result<(), sqlx::Error> {
    let hash = match password::rehash(typed).await {
        Ok(hash) => hash,
        Err(e) => {
            // The login itself succeeded; the next one tries again.
            tracing::warn!(user.id = user.id, error = %e, "could not rehash an imported password");
            return Ok(());
        }
    };
    if db::users::replace_password_hash(db, user.id, &user.password_hash, &hash).await? {
        tracing::info!(
            user.id = user.id,
            "imported password hash upgraded to argon2id"
        );
        user.password_hash = hash;
        user.restamp();
    }
    Ok(())
}

pub struct Credentials {
    pub email: Email,
    pub password: String,
}

/// The accounts sessions belong to. Loaded users are kept while the auth version holds
/// (see `kept`).
#[derive(Clone)]
pub struct Users {
    db: Db,
    kept: Arc<Kept<i64, SessionUser>>,
}

impl Users {
    pub fn new(db: Db, freshness: Arc<Freshness>) -> Users {
        Users {
            db,
            kept: Arc::new(Kept::new(freshness)),
        }
    }
}

impl axum_login::AuthnBackend for Users {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = sqlx::Error;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, sqlx::Error> {
        check_credentials(&self.db, &creds.email, &creds.password).await
    }

    async fn get_user(&self, id: &i64) -> Result<Option<SessionUser>, sqlx::Error> {
        self.kept
            .get(id, |_| true, db::users::by_id(&self.db, *id))
            .await
    }
}
