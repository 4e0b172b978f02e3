use leptos::prelude::*;

use crate::domain::CurrentUser;
use crate::error::AppError;

/// The message the original blog gave for an email that already has an account.
pub const ALREADY_REGISTERED: &str = "You've already signed up with that email, log in instead!";

/// Creates an account and logs it in, then sends the browser home. `website` is the
/// honeypot: a form that fills it is sent home too, with no account made.
#[server(endpoint = "register")]
pub async fn register(
    name: String,
    email: String,
    password: String,
    #[server(default)] website: String,
) -> Result<(), AppError> {
    use super::guard;
    use crate::auth::{password as pw, rate_limit};
    use crate::db::{self, users::CreateUserError};
    use crate::domain::{Email, Password, UserName};
    use crate::error::FormErrors;

    guard::respond(
        async {
            let state = guard::state()?;
            let echo = [("name", name.as_str()), ("email", email.as_str())];
            let mut form = FormErrors::default();
            let parsed = (
                form.check("name", UserName::parse(&name)),
                form.check("email", Email::parse(&email)),
                form.check("password", Password::parse(&password)),
            );
            let (Some(name), Some(email), Some(password)) = parsed else {
                return Err(form.into_error(&echo));
            };
            if guard::caught_by_honeypot("register", &website) {
                guard::land_on("/");
                return Ok(());
            }

            let address = guard::client_address(state.site.trust_forwarded_for).await;
            let limit = rate_limit::Policy {
                free: i64::from(state.site.registrations_per_hour),
                ..rate_limit::REGISTER_PER_ADDRESS
            };
            let db_err = |e| AppError::from_db("registering", e);
            if let Some(wait) = limit.check(&state.db, &address).await.map_err(db_err)? {
                return Err(AppError::TooManyRequests(rate_limit::retry_message(
                    "Too many new accounts from your network.",
                    wait,
                )));
            }

            let hash = pw::hash(&password)
                .await
                .map_err(|e| AppError::internal("hashing a password", e))?;
            let admin_email = state.site.admin_email.as_deref();
            let user = match db::users::register(
                &state.db,
                name.as_str(),
                email.as_str(),
                &hash,
                admin_email,
            )
            .await
            {
                Ok(user) => user,
                Err(CreateUserError::DuplicateEmail) => {
                    return Err(AppError::conflict("email", ALREADY_REGISTERED).with_values(&echo));
                }
                Err(CreateUserError::Db(e)) => return Err(db_err(e)),
            };
            limit.record(&state.db, &address).await.map_err(db_err)?;
            tracing::info!(
                user.id = user.id,
                role = user.role.as_str(),
                "account registered"
            );

            let mut session = guard::auth_session().await?;
            crate::auth::start_session(&mut session, &user).await?;
            guard::land_on("/");
            Ok(())
        }
        .await,
    )
}

/// Logs in with email and password, then sends the browser home.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use super::guard;
    use crate::auth::{rate_limit, Credentials};
    use crate::domain::Email;

    guard::respond(
        async {
            let state = guard::state()?;
            let failed = || AppError::LoginFailed {
                email: email.clone(),
            };
            // A malformed email cannot match an account: the same answer as a wrong password.
            let Ok(parsed) = Email::parse(&email) else {
                return Err(failed());
            };
            let address = guard::client_address(state.site.trust_forwarded_for).await;
            let db_err = |e| AppError::from_db("logging in", e);
            let account_limit = rate_limit::LOGIN_PER_ACCOUNT;
            let address_limit = rate_limit::LOGIN_PER_ADDRESS;
            let account_wait = account_limit
                .check(&state.db, parsed.as_str())
                .await
                .map_err(db_err)?;
            let address_wait = address_limit
                .check(&state.db, &address)
                .await
                .map_err(db_err)?;
            if let Some(wait) = account_wait.max(address_wait) {
                return Err(AppError::TooManyRequests(rate_limit::retry_message(
                    "Too many failed logins.",
                    wait,
                )));
            }

            let mut session = guard::auth_session().await?;
            let credentials = Credentials {
                email: parsed.clone(),
                password,
            };
            let user = session
                .authenticate(credentials)
                .await
                .map_err(|e| AppError::internal("checking a password", e))?;
            let Some(user) = user else {
                account_limit
                    .record(&state.db, parsed.as_str())
                    .await
                    .map_err(db_err)?;
                address_limit
                    .record(&state.db, &address)
                    .await
                    .map_err(db_err)?;
                tracing::info!("failed login");
                return Err(failed());
            };
            account_limit
                .clear(&state.db, parsed.as_str())
                .await
                .map_err(db_err)?;
            crate::auth::start_session(&mut session, &user).await?;
            tracing::info!(user.id = user.id, "logged in");
            guard::land_on("/");
            Ok(())
        }
        .await,
    )
}

/// Ends the session (deleting it on the server) and sends the browser home.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::guard;

    guard::respond(
        async {
            let mut session = guard::auth_session().await?;
            session
                .logout()
                .await
                .map_err(|e| AppError::internal("ending a session", e))?;
            guard::land_on("/");
            Ok(())
        }
        .await,
    )
}

/// Who is logged in, if anyone.
#[server(endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    use super::guard;

    guard::respond(async { Ok(guard::auth_session().await?.user.map(|u| u.to_current())) }.await)
}
