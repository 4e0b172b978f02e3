//! Accounts: registering, logging in (throttled per account and per address), the account
//! page's name and password, and the admin's list of users.

use crate::auth::{self, password, rate_limit, SessionUser};
use crate::db::{self, users::CreateUserError};
use crate::domain::ALREADY_REGISTERED;
use crate::domain::{CurrentUser, Email, Password, UserListing, UserName};
use crate::error::{AppError, FormErrors};
use crate::state::AppState;

use super::{admit, caught_by_honeypot, confirm_password, Caller};

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
    let too_many = "Too many new accounts from your network.";
    let admitted = admit(state, &[(limit, address)], too_many, "registering").await?;
    let hash = match password::hash(&password).await {
        Ok(hash) => hash,
        Err(e) => {
            admitted.forgive(&state.db).await;
            return Err(AppError::internal("hashing a password", e));
        }
    };
    let admin_email = state.site.admin_email.as_deref();
    let user = match db::users::register(&state.db, &name, &email, &hash, admin_email).await {
        Ok(user) => user,
        // Only new accounts count against the address.
        Err(CreateUserError::DuplicateEmail) => {
            admitted.forgive(&state.db).await;
            return Err(AppError::conflict("email", ALREADY_REGISTERED).with_values(&echo));
        }
        Err(CreateUserError::Db(e)) => {
            admitted.forgive(&state.db).await;
            return Err(db_err(e));
        }
    };
    tracing::info!(
        user.id = user.id,
        role = user.role.as_str(),
        "account registered"
    );
    Ok(Some(user))
}

/// Checks an email and password, within the failed-login allowances of the account and of
/// the address, and returns the account to log in — or, when it has two-factor sign-in on,
/// to ask for a code (see [`super::two_factor::second_step`]). Every failure gets the same answer,
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
    // Counted as a failure before the password is checked, so that attempts sent at once
    // are each decided against the ones before them; a success takes it back.
    let limits = [
        (rate_limit::LOGIN_PER_ACCOUNT, parsed.as_str()),
        (rate_limit::LOGIN_PER_ADDRESS, address),
    ];
    let admitted = admit(state, &limits, "Too many failed logins.", "logging in").await?;
    let user = auth::check_credentials(&state.db, &parsed, password)
        .await
        .map_err(db_err)?;
    let Some(user) = user else {
        tracing::info!("failed login");
        return Err(failed());
    };
    admitted.forgive(&state.db).await;
    if user.two_factor() {
        // Not logged in yet: the code decides, and until it is right the account's failures
        // stand (or a known password would reset the allowance for guessing codes).
        tracing::info!(user.id = user.id, "password right; asking for a code");
        return Ok(user);
    }
    rate_limit::LOGIN_PER_ACCOUNT
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
    let wrong = "That is not your current password.";
    confirm_password(state, user, current, "current_password", wrong).await?;
    let new = Password::parse(new).map_err(|m| AppError::invalid("new_password", m))?;
    let hash = password::hash(&new)
        .await
        .map_err(|e| AppError::internal("hashing a password", e))?;
    db::users::set_password_hash(&state.db, user.id, &hash)
        .await
        .map_err(db_err)?;
    tracing::info!(user.id = user.id, "password changed");
    let mut updated = user.clone();
    updated.password_hash = hash;
    updated.restamp();
    Ok(updated)
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
    async fn attempts_that_do_not_count_are_taken_back() {
        let state = testing::state().await;
        let ada = form("Ada", "ada@example.com", "correct horse 1");
        register(&state, "1.1.1.1", &ada).await.unwrap();
        // A conflict makes no account, so it leaves the address its allowance (5 an hour).
        for _ in 0..10 {
            let again = register(&state, "1.1.1.1", &ada).await.unwrap_err();
            assert_eq!(again.status(), 409, "{again:?}");
        }
        // Correct passwords count as no failure, for the account or for the address.
        for _ in 0..30 {
            login(&state, "1.1.1.1", "ada@example.com", "correct horse 1")
                .await
                .unwrap();
        }
        for n in 1..5 {
            let email = format!("reader{n}@example.com");
            let reader = form("Reader", &email, "correct horse 1");
            register(&state, "1.1.1.1", &reader).await.unwrap().unwrap();
        }
        let over = form("Over", "over@example.com", "correct horse 1");
        let refused = register(&state, "1.1.1.1", &over).await.unwrap_err();
        assert_eq!(refused.status(), 429, "{refused:?}");
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
