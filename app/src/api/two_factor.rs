//! Two-factor sign-in: the account page's set-up, recovery codes and switch, and the login's
//! second step.

use leptos::prelude::*;

use crate::domain::TwoFactorPanel;
use crate::error::AppError;

/// Where the account page's two-factor section is.
pub const TWO_FACTOR_SECTION: &str = "/account#two-factor";
/// The login's second step.
pub const LOGIN_CODE_PAGE: &str = "/login/code";

/// The logged-in user's two-factor sign-in, with recovery codes just made (shown once).
#[server(endpoint = "account/two-factor")]
pub async fn two_factor() -> Result<TwoFactorPanel, AppError> {
    super::guard::serve(async |state, caller| {
        let state = crate::service::two_factor::state(state, caller).await?;
        let new_codes = held::take_new_codes().await?;
        Ok(TwoFactorPanel { state, new_codes })
    })
    .await
}

/// Starts setting up two-factor sign-in: a new secret to put in an authenticator app.
#[server(endpoint = "account/two-factor/start")]
pub async fn start_two_factor() -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::two_factor::start(state, caller).await?;
        super::guard::land_on(TWO_FACTOR_SECTION);
        Ok(())
    })
    .await
}

/// Turns two-factor sign-in on with a first code from the app, and answers with the new
/// recovery codes, to be shown once. The account's other sessions end; this one goes on
/// under a new id.
#[server(endpoint = "account/two-factor/confirm")]
pub async fn confirm_two_factor(code: String) -> Result<Vec<String>, AppError> {
    super::guard::serve(async |state, caller| {
        let now = crate::db::now();
        let (user, codes) = crate::service::two_factor::confirm(state, caller, &code, now).await?;
        super::guard::renew_session(state, &user).await?;
        held::show_once(&codes).await
    })
    .await
}

/// Turns two-factor sign-in off (the password confirms it). Other sessions end.
#[server(endpoint = "account/two-factor/disable")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        let user = crate::service::two_factor::disable(state, caller, &password).await?;
        super::guard::renew_session(state, &user).await?;
        super::guard::land_on(TWO_FACTOR_SECTION);
        Ok(())
    })
    .await
}

/// Replaces the recovery codes (the password confirms it) and answers with the new ones,
/// to be shown once.
#[server(endpoint = "account/two-factor/codes")]
pub async fn new_recovery_codes(codes_password: String) -> Result<Vec<String>, AppError> {
    super::guard::serve(async |state, caller| {
        let service = crate::service::two_factor::new_codes;
        let codes = service(state, caller, &codes_password).await?;
        held::show_once(&codes).await
    })
    .await
}

/// The login's second step: a code from the app or a recovery code, for the account whose
/// password was right a moment ago in this browser. Logs in and sends the browser home.
#[server(endpoint = "login/code")]
pub async fn login_code(code: String) -> Result<(), AppError> {
    super::guard::serve(async |state, _| {
        let address = super::guard::client_address(state.site.trust_forwarded_for).await;
        let (user_id, stamp) = held::awaiting_code().await?;
        let now = crate::db::now();
        let service = crate::service::two_factor::second_step;
        let user = service(state, &address, user_id, &stamp, &code, now).await?;
        super::guard::start_session(&user).await?;
        held::forget_awaiting_code().await?;
        super::guard::land_on("/");
        Ok(())
    })
    .await
}

/// What the session holds between two requests: an account waiting for its code, and
/// recovery codes waiting to be shown once.
#[cfg(feature = "ssr")]
pub(super) mod held {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Serialize};

    use crate::auth::two_factor::RecoveryCode;
    use crate::auth::SessionUser;
    use crate::error::AppError;
    use crate::service::two_factor::{SECOND_STEP_FOR, SIGN_IN_AGAIN};

    const AWAITING_CODE: &str = "quire.awaiting_code";
    const NEW_CODES: &str = "quire.new_recovery_codes";

    #[derive(Serialize, Deserialize)]
    struct AwaitingCode {
        user_id: i64,
        /// Hex of the account's session stamp when the password was right.
        stamp: String,
        until: DateTime<Utc>,
    }

    async fn session() -> Result<tower_sessions::Session, AppError> {
        Ok(super::super::guard::auth_session().await?.session)
    }

    fn failed(e: impl std::fmt::Display) -> AppError {
        AppError::internal("using the session", e)
    }

    /// Remembers that `user` gave the right password and now owes a code, under a new
    /// session id (as a login would be).
    pub async fn await_code(user: &SessionUser) -> Result<(), AppError> {
        let session = session().await?;
        session.cycle_id().await.map_err(failed)?;
        let waiting = AwaitingCode {
            user_id: user.id,
            stamp: hex::encode(user.session_stamp()),
            until: crate::db::now()
                + chrono::TimeDelta::from_std(SECOND_STEP_FOR).unwrap_or_default(),
        };
        session.insert(AWAITING_CODE, waiting).await.map_err(failed)
    }

    /// The account that owes a code, and its stamp; an error when there is none (any more).
    pub async fn awaiting_code() -> Result<(i64, Vec<u8>), AppError> {
        let waiting: Option<AwaitingCode> =
            session().await?.get(AWAITING_CODE).await.map_err(failed)?;
        waiting
            .filter(|w| w.until > crate::db::now())
            .and_then(|w| Some((w.user_id, hex::decode(w.stamp).ok()?)))
            .ok_or_else(|| AppError::invalid("code", SIGN_IN_AGAIN))
    }

    pub async fn forget_awaiting_code() -> Result<(), AppError> {
        let session = session().await?;
        session
            .remove::<AwaitingCode>(AWAITING_CODE)
            .await
            .map(|_| ())
            .map_err(failed)
    }

    /// Recovery codes just made, for the account page to show once: a script gets them as
    /// the answer; a browser without JavaScript is sent back to the account page, which
    /// takes them from the session (see [`take_new_codes`]).
    pub async fn show_once(codes: &[RecoveryCode]) -> Result<Vec<String>, AppError> {
        let codes: Vec<String> = codes.iter().map(|c| c.as_str().to_owned()).collect();
        if super::super::guard::plain_form_post() {
            let session = session().await?;
            session.insert(NEW_CODES, &codes).await.map_err(failed)?;
            super::super::guard::land_on(super::TWO_FACTOR_SECTION);
        }
        Ok(codes)
    }

    /// The recovery codes kept to be shown, which are then forgotten.
    pub async fn take_new_codes() -> Result<Vec<String>, AppError> {
        let session = session().await?;
        // Looked at first: a removal saves the session even when there was nothing to
        // remove, and every save makes every instance read its sessions again.
        let codes: Option<Vec<String>> = session.get(NEW_CODES).await.map_err(failed)?;
        if codes.is_some() {
            session.remove_value(NEW_CODES).await.map_err(failed)?;
        }
        Ok(codes.unwrap_or_default())
    }
}
