use leptos::prelude::*;

use crate::domain::CurrentUser;
use crate::error::AppError;

/// Creates an account and logs it in, then sends the browser home. `website` is the
/// honeypot: a form that fills it is sent home too, with no account made.
#[server(endpoint = "register")]
pub async fn register(
    name: String,
    email: String,
    password: String,
    #[server(default)] website: String,
) -> Result<(), AppError> {
    use crate::service::accounts::{self, Registration};
    super::guard::serve(async |state, _| {
        let address = super::guard::client_address(state.site.trust_forwarded_for).await;
        let form = Registration {
            name: &name,
            email: &email,
            password: &password,
            website: &website,
        };
        if let Some(user) = accounts::register(state, &address, &form).await? {
            crate::service::verification::welcome(state, &user).await;
            super::guard::start_session(&user).await?;
        }
        super::guard::land_on("/");
        Ok(())
    })
    .await
}

/// Logs in with email and password, then sends the browser home — or, for an account with
/// two-factor sign-in, to the page that asks for its code.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    super::guard::serve(async |state, _| {
        let address = super::guard::client_address(state.site.trust_forwarded_for).await;
        let user = crate::service::accounts::login(state, &address, &email, &password).await?;
        if user.two_factor() {
            super::two_factor::held::await_code(&user).await?;
            super::guard::land_on(super::LOGIN_CODE_PAGE);
        } else {
            super::guard::start_session(&user).await?;
            super::guard::land_on("/");
        }
        Ok(())
    })
    .await
}

/// Ends the session (deleting it on the server) and sends the browser home.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    super::guard::serve(async |_, _| {
        let mut session = super::guard::auth_session().await?;
        session
            .logout()
            .await
            .map_err(|e| AppError::internal("ending a session", e))?;
        super::guard::land_on("/");
        Ok(())
    })
    .await
}

/// Who is logged in, if anyone.
#[server(endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    super::guard::serve(async |_, caller| Ok(caller.user().map(|u| u.to_current()))).await
}
