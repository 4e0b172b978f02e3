//! Accounts: registering, logging in (throttled per account and per address), the account
//! page's name and password, and the admin's list of users.

use crate::auth::{self, password, rate_limit, SessionUser};
use crate::db::{self, users::CreateUserError};
use crate::domain::ALREADY_REGISTERED;
use crate::domain::{CurrentUser, Email, Password, UserListing, UserName};
use crate::error::{AppError, FormErrors};
use crate::state::AppState;

use super::{caught_by_honeypot, too_many, Caller};

/// The registration form as typed. `website` is the honeypot.
pub struct Registration<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub website: &'a str,
}

/// Creates an account — the admin's, when it is `ADMIN_EMAIL` or the blog has no admin yet
/// — and returns it, to be logged in. `None`: a bot filled the honeypot; nothing was made.
/// Every field is checked first (all errors at once, echoing what was typed but the
/// password), then the address's allowance of new accounts.
pub async fn register(
    state: &AppState,
    address: &str,
    form: &Registration<'_>,
) -> Result<Option<SessionUser>, AppError> {
    let echo = [("name", form.name), ("email", form.email)];
    let mut errors = FormErrors::default();
    let parsed = (
        errors.check("name", UserName::parse(form.name)),
        errors.check("email", Email::parse(form.email)),
        errors.check("password", Password::parse(form.password)),
    );
    let (Some(name), Some(email), Some(password)) = parsed else {
        return Err(errors.into_error(&echo));
    };
    if caught_by_honeypot("register", form.website) {
        return Ok(None);
    }
    let db_err = |e| AppError::from_db("registering", e);
    let limit = rate_limit::Policy {
        free: i64::from(state.site.registrations_per_hour),
        ..rate_limit::REGISTER_PER_ADDRESS
    };
    if let Some(wait) = limit.check(&state.db, address).await.map_err(db_err)? {
        return Err(too_many("Too many new accounts from your network.", wait));
    }
    let hash = password::hash(&password)
        .await
        .map_err(|e| AppError::internal("hashing a password", e))?;
    let admin_email = state.site.admin_email.as_deref();
    let user = match db::users::register(&state.db, &name, &email, &hash, admin_email).await {
        Ok(user) => user,
        Err(CreateUserError::DuplicateEmail) => {
            return Err(AppError::conflict("email", ALREADY_REGISTERED).with_values(&echo));
        }
        Err(CreateUserError::Db(e)) => return Err(db_err(e)),
    };
    limit.record(&state.db, address).await.map_err(db_err)?;
    tracing::info!(
        user.id = user.id,
        role = user.role.as_str(),
        "account registered"
    );
    Ok(Some(user))
}

/// Checks an email and password, within the failed-login allowances of the account and of
/// the address, and returns the account to log in. Every failure gets the same answer,
/// whether the account exists or not; a correct password still counts against nothing.
pub async fn login(
    state: &AppState,
    address: &str,
    email: &str,
    password: &str,
) -> Result<SessionUser, AppError> {
    let failed = || AppError::LoginFailed {
        email: email.to_owned(),
    };
    // A malformed email cannot match an account: the same answer as a wrong password.
    let Ok(parsed) = Email::parse(email) else {
        return Err(failed());
    };
    let db_err = |e| AppError::from_db("logging in", e);
    let (account_limit, address_limit) =
        (rate_limit::LOGIN_PER_ACCOUNT, rate_limit::LOGIN_PER_ADDRESS);
    let account_wait = account_limit
        .check(&state.db, parsed.as_str())
        .await
        .map_err(db_err)?;
    let address_wait = address_limit
        .check(&state.db, address)
        .await
        .map_err(db_err)?;
    if let Some(wait) = account_wait.max(address_wait) {
        return Err(too_many("Too many failed logins.", wait));
    }
    let user = auth::check_credentials(&state.db, &parsed, password)
        .await
        .map_err(db_err)?;
    let Some(user) = user else {
        account_limit
            .record(&state.db, parsed.as_str())
            .await
            .map_err(db_err)?;
        address_limit
            .record(&state.db, address)
            .await
            .map_err(db_err)?;
        tracing::info!("failed login");
        return Err(failed());
    };
    account_limit
        .clear(&state.db, parsed.as_str())
        .await
        .map_err(db_err)?;
    tracing::info!(user.id = user.id, "logged in");
    Ok(user)
}

/// The caller's own account.
pub fn account(caller: &Caller) -> Result<CurrentUser, AppError> {
    Ok(caller.require_user()?.to_current())
}

/// Changes the caller's display name.
pub async fn rename(state: &AppState, caller: &Caller, name: &str) -> Result<(), AppError> {
    let user = caller.require_user()?;
    let parsed = UserName::parse(name)
        .map_err(|m| AppError::invalid("name", m).with_values(&[("name", name)]))?;
    db::users::rename(&state.db, user.id, &parsed)
        .await
        .map_err(|e| AppError::from_db("renaming a user", e))
}

/// Changes the caller's password and returns the account with its new hash, for the session
/// to be renewed with it: every other session, bound to the old hash, ends. Guessing the
/// current password is a login attempt like any other.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    current: &str,
    new: &str,
) -> Result<SessionUser, AppError> {
    let user = caller.require_user()?;
    let db_err = |e| AppError::from_db("changing a password", e);
    let limit = rate_limit::LOGIN_PER_ACCOUNT;
    if let Some(wait) = limit.check(&state.db, &user.email).await.map_err(db_err)? {
        return Err(too_many("Too many wrong passwords.", wait));
    }
    if !password::verify(current, &user.password_hash).await {
        limit.record(&state.db, &user.email).await.map_err(db_err)?;
        return Err(AppError::invalid(
            "current_password",
            "That is not your current password.",
        ));
    }
    let new = Password::parse(new).map_err(|m| AppError::invalid("new_password", m))?;
    let hash = password::hash(&new)
        .await
        .map_err(|e| AppError::internal("hashing a password", e))?;
    db::users::set_password_hash(&state.db, user.id, &hash)
        .await
        .map_err(db_err)?;
    tracing::info!(user.id = user.id, "password changed");
    Ok(SessionUser {
        password_hash: hash,
        ..user.clone()
    })
}

/// Every account, for the admin.
pub async fn list_users(state: &AppState, caller: &Caller) -> Result<Vec<UserListing>, AppError> {
    caller.require_admin()?;
    db::users::list(&state.db)
        .await
        .map_err(|e| AppError::from_db("listing users", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::testing;

    fn form<'a>(name: &'a str, email: &'a str, password: &'a str) -> Registration<'a> {
        Registration {
            name,
            email,
            password,
            website: "",
        }
    }

    #[tokio::test]
    async fn the_first_account_is_the_admin_and_the_next_a_reader() {
        let state = testing::state().await;
        let first = register(
            &state,
            "1.2.3.4",
            &form("Ada", "Ada@Example.com", "correct horse 1"),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(first.role, Role::Admin);
        assert_eq!(first.email, "ada@example.com");
        let second = register(
            &state,
            "1.2.3.4",
            &form("Bo", "bo@example.com", "correct horse 2"),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(second.role, Role::Reader);
        let again = register(
            &state,
            "1.2.3.4",
            &form("Ada", "ADA@example.com", "correct horse 3"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            again.for_field("email").as_deref(),
            Some(ALREADY_REGISTERED)
        );
        assert_eq!(again.value("email").as_deref(), Some("ADA@example.com"));
    }

    #[tokio::test]
    async fn every_bad_field_is_reported_before_anything_else() {
        let state = testing::state().await;
        let err = register(&state, "1.2.3.4", &form("", "nope", "short"))
            .await
            .unwrap_err();
        for field in ["name", "email", "password"] {
            assert!(err.for_field(field).is_some(), "{field}: {err:?}");
        }
        assert_eq!(err.value("password"), None, "passwords are never echoed");
    }

    #[tokio::test]
    async fn a_filled_honeypot_makes_no_account_and_uses_no_allowance() {
        let state = testing::state().await;
        let mut bot = form("Bot", "bot@example.com", "correct horse 1");
        bot.website = "https://spam.example";
        for _ in 0..10 {
            assert!(register(&state, "6.6.6.6", &bot).await.unwrap().is_none());
        }
        assert!(db::users::list(&state.db).await.unwrap().is_empty());
        let person = form("Person", "p@example.com", "correct horse 1");
        assert!(register(&state, "6.6.6.6", &person)
            .await
            .unwrap()
            .is_some());
    }

    #[tokio::test]
    async fn logins_fail_alike_and_are_throttled_per_account() {
        let state = testing::state().await;
        register(
            &state,
            "1.1.1.1",
            &form("Ada", "ada@example.com", "correct horse 1"),
        )
        .await
        .unwrap();
        let wrong = login(&state, "2.2.2.2", "ada@example.com", "wrong")
            .await
            .unwrap_err();
        let unknown = login(&state, "2.2.2.2", "nobody@example.com", "wrong")
            .await
            .unwrap_err();
        let malformed = login(&state, "2.2.2.2", "not an email", "wrong")
            .await
            .unwrap_err();
        for err in [&wrong, &unknown, &malformed] {
            assert_eq!(err.status(), 401);
            assert_eq!(err.to_string(), wrong.to_string());
        }
        let free = rate_limit::LOGIN_PER_ACCOUNT.free;
        for _ in 1..free {
            login(&state, "2.2.2.2", "ada@example.com", "wrong")
                .await
                .unwrap_err();
        }
        let throttled = login(&state, "3.3.3.3", "ada@example.com", "correct horse 1")
            .await
            .unwrap_err();
        assert_eq!(
            throttled.status(),
            429,
            "even the right password waits: {throttled:?}"
        );
    }

    #[tokio::test]
    async fn a_password_change_needs_the_current_one() {
        let state = testing::state().await;
        let ada = register(
            &state,
            "1.1.1.1",
            &form("Ada", "ada@example.com", "correct horse 1"),
        )
        .await
        .unwrap()
        .unwrap();
        let caller = Caller::from_user(Some(ada));
        let err = change_password(&state, &caller, "wrong", "new horse battery")
            .await
            .unwrap_err();
        assert!(err.for_field("current_password").is_some());
        let updated = change_password(&state, &caller, "correct horse 1", "new horse battery")
            .await
            .unwrap();
        assert!(password::verify("new horse battery", &updated.password_hash).await);
        assert!(
            login(&state, "1.1.1.1", "ada@example.com", "new horse battery")
                .await
                .is_ok()
        );
        assert_eq!(
            change_password(&state, &Caller::Visitor, "x", "y")
                .await
                .unwrap_err(),
            AppError::Unauthorized
        );
    }

    #[tokio::test]
    async fn only_the_admin_lists_users() {
        let state = testing::state().await;
        let admin = testing::user(&state, "Admin", Role::Admin).await;
        let reader = testing::user(&state, "Reader", Role::Reader).await;
        assert_eq!(
            list_users(&state, &Caller::Visitor).await.unwrap_err(),
            AppError::Unauthorized
        );
        assert_eq!(
            list_users(&state, &Caller::from_user(Some(reader)))
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let listed = list_users(&state, &Caller::from_user(Some(admin)))
            .await
            .unwrap();
        assert_eq!(listed.len(), 2);
    }
}
