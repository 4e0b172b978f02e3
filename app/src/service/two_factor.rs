//! Two-factor sign-in: setting it up on the account page (a secret, confirmed by a first
//! code), recovery codes, turning it off, and the login's second step. Codes are tried under
//! the same limits as passwords, and an accepted code is never accepted again.

use chrono::{DateTime, Utc};

use crate::auth::two_factor::{self as totp, RecoveryCode};
use crate::auth::{rate_limit, SessionUser};
use crate::db;
use crate::domain::TwoFactor;
use crate::error::AppError;
use crate::state::AppState;

use super::{admit, confirm_password, Caller};

const WRONG_CODE: &str =
    "That code is not right. Type the code your app shows now (or a recovery code).";
const NOT_YOUR_PASSWORD: &str = "That is not your password.";
const NOT_ENROLLING: &str = "Start the set-up again: there is no code to confirm.";
/// A second step whose first is gone: too old, or the account changed in between.
pub const SIGN_IN_AGAIN: &str = "Your sign-in timed out. Log in again with your password.";

/// How long a correct password waits for its code.
pub const SECOND_STEP_FOR: std::time::Duration = std::time::Duration::from_secs(5 * 60);

fn db_err(doing: &'static str) -> impl Fn(sqlx::Error) -> AppError {
    move |e| AppError::from_db(doing, e)
}

fn unix(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

/// The name an authenticator app lists the blog under: its address's host, or "Quire".
fn issuer(state: &AppState) -> String {
    let host = state.site.public_url.as_deref().and_then(|url| {
        url.split_once("://")
            .map(|(_, host)| host.trim_end_matches('/').to_owned())
    });
    host.map_or_else(|| "Quire".to_owned(), |host| format!("Quire ({host})"))
}

/// The account page's two-factor section (recovery codes are added by the caller, which
/// keeps them for one showing).
pub async fn state(state: &AppState, caller: &Caller) -> Result<TwoFactor, AppError> {
    let user = caller.require_user()?;
    let stored = db::two_factor::stored(&state.db, user.id)
        .await
        .map_err(db_err("reading two-factor sign-in"))?
        .ok_or(AppError::Unauthorized)?;
    if stored.totp_secret.is_some() {
        return Ok(TwoFactor::On {
            codes_left: stored.codes_left,
        });
    }
    let Some(secret) = stored.totp_pending else {
        let required = matches!(caller, Caller::WithoutTwoFactor(_));
        return Ok(TwoFactor::Off { required });
    };
    let url = totp::enrolment_url(&secret, &issuer(state), &user.email)
        .ok_or_else(|| AppError::internal("showing a two-factor secret", "unusable secret"))?;
    let qr_svg =
        totp::qr_svg(&url).ok_or_else(|| AppError::internal("drawing a QR code", "too long"))?;
    Ok(TwoFactor::Enrolling { secret, qr_svg })
}

/// Starts setting up two-factor sign-in with a new secret (a set-up already started is
/// replaced; one already on stays on until turned off).
pub async fn start(state: &AppState, caller: &Caller) -> Result<(), AppError> {
    let user = caller.require_user()?;
    db::two_factor::set_pending(&state.db, user.id, &totp::new_secret())
        .await
        .map_err(db_err("starting two-factor sign-in"))
}

/// Turns two-factor sign-in on once `code` shows that the owner's app has the secret, and
/// returns the account (whose other sessions end) and its new recovery codes.
pub async fn confirm(
    state: &AppState,
    caller: &Caller,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(SessionUser, Vec<RecoveryCode>), AppError> {
    let user = caller.require_user()?;
    let limits = [(rate_limit::LOGIN_PER_ACCOUNT, user.email.as_str())];
    let admitted = admit(state, &limits, "Too many wrong codes.", "checking a code").await?;
    let stored = db::two_factor::stored(&state.db, user.id)
        .await
        .map_err(db_err("reading two-factor sign-in"))?;
    let Some(secret) = stored.and_then(|s| s.totp_pending) else {
        admitted.forgive(&state.db).await;
        return Err(AppError::invalid("code", NOT_ENROLLING));
    };
    let Some(step) = totp::matching_step(&secret, code, unix(now)) else {
        return Err(AppError::invalid("code", WRONG_CODE));
    };
    admitted.forgive(&state.db).await;
    let codes: Vec<RecoveryCode> = (0..totp::RECOVERY_CODES)
        .map(|_| RecoveryCode::generate())
        .collect();
    let hashes: Vec<String> = codes.iter().map(RecoveryCode::hash).collect();
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let since = db::two_factor::enable(&state.db, user.id, &secret, step, &hashes)
        .await
        .map_err(db_err("turning on two-factor sign-in"))?
        .ok_or_else(|| AppError::invalid("code", NOT_ENROLLING))?;
    tracing::info!(user.id = user.id, "two-factor sign-in turned on");
    let mut updated = user.clone();
    updated.totp_since = Some(since);
    updated.restamp();
    Ok((updated, codes))
}

/// Turns two-factor sign-in off (after the password), deleting the secret and the recovery
/// codes, and returns the account: its other sessions end.
pub async fn disable(
    state: &AppState,
    caller: &Caller,
    typed_password: &str,
) -> Result<SessionUser, AppError> {
    let user = caller.require_user()?;
    confirm_password(state, user, typed_password, "password", NOT_YOUR_PASSWORD).await?;
    db::two_factor::disable(&state.db, user.id)
        .await
        .map_err(db_err("turning off two-factor sign-in"))?;
    tracing::info!(user.id = user.id, "two-factor sign-in turned off");
    let mut updated = user.clone();
    updated.totp_since = None;
    updated.restamp();
    Ok(updated)
}

/// New recovery codes (after the password) in place of the old ones, which stop working.
pub async fn new_codes(
    state: &AppState,
    caller: &Caller,
    typed_password: &str,
) -> Result<Vec<RecoveryCode>, AppError> {
    let user = caller.require_user()?;
    let field = "codes_password";
    confirm_password(state, user, typed_password, field, NOT_YOUR_PASSWORD).await?;
    let codes: Vec<RecoveryCode> = (0..totp::RECOVERY_CODES)
        .map(|_| RecoveryCode::generate())
        .collect();
    let hashes: Vec<String> = codes.iter().map(RecoveryCode::hash).collect();
    let on = db::two_factor::replace_codes(&state.db, user.id, &hashes)
        .await
        .map_err(db_err("making recovery codes"))?;
    if !on {
        return Err(AppError::invalid(
            "codes_password",
            "Two-factor sign-in is off.",
        ));
    }
    tracing::info!(user.id = user.id, "recovery codes replaced");
    Ok(codes)
}

/// The login's second step: `code` (from the app, or a recovery code) for the account whose
/// password was right, as long as the account is as it was then (`stamp`). Tried under the
/// same limits as passwords; a success clears the account's failures.
pub async fn second_step(
    state: &AppState,
    address: &str,
    user_id: i64,
    stamp: &[u8],
    code: &str,
    now: DateTime<Utc>,
) -> Result<SessionUser, AppError> {
    let gone = || AppError::invalid("code", SIGN_IN_AGAIN);
    let user = db::users::by_id(&state.db, user_id)
        .await
        .map_err(db_err("logging in"))?
        .filter(|u| u.two_factor() && u.session_stamp() == stamp)
        .ok_or_else(gone)?;
    let limits = [
        (rate_limit::LOGIN_PER_ACCOUNT, user.email.as_str()),
        (rate_limit::LOGIN_PER_ADDRESS, address),
    ];
    let admitted = admit(state, &limits, "Too many wrong codes.", "logging in").await?;
    let accepted = match RecoveryCode::parse(code) {
        Some(recovery) => {
            let used = db::two_factor::use_recovery_code(&state.db, user.id, &recovery.hash())
                .await
                .map_err(db_err("logging in"))?;
            if used {
                tracing::info!(user.id = user.id, "logged in with a recovery code");
            }
            used
        }
        None => accept_code(state, &user, code, now).await?,
    };
    if !accepted {
        tracing::info!(user.id = user.id, "wrong two-factor code");
        return Err(AppError::invalid("code", WRONG_CODE));
    }
    rate_limit::LOGIN_PER_ACCOUNT
        .clear(&state.db, user.email.as_str())
        .await
        .map_err(db_err("logging in"))?;
    admitted.forgive(&state.db).await;
    tracing::info!(user.id = user.id, "logged in");
    Ok(user)
}

/// Whether `code` is right now and its step has not been used before (RFC 6238 §5.2: a
/// code seen once, on the wire or over a shoulder, is worth nothing).
async fn accept_code(
    state: &AppState,
    user: &SessionUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let stored = db::two_factor::stored(&state.db, user.id)
        .await
        .map_err(db_err("logging in"))?;
    let Some(secret) = stored.and_then(|s| s.totp_secret) else {
        return Ok(false);
    };
    let Some(step) = totp::matching_step(&secret, code, unix(now)) else {
        return Ok(false);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    db::two_factor::accept_step(&state.db, user.id, step)
        .await
        .map_err(db_err("logging in"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::testing;

    async fn enrolled(state: &AppState) -> (SessionUser, String, Vec<RecoveryCode>) {
        let ada = testing::user(state, "Ada", Role::Reader).await;
        let caller = Caller::from_user(Some(ada.clone()));
        start(state, &caller).await.unwrap();
        let TwoFactor::Enrolling { secret, qr_svg } = super::state(state, &caller).await.unwrap()
        else {
            panic!("not enrolling");
        };
        assert!(qr_svg.starts_with("<?xml") || qr_svg.contains("<svg"));
        let now = db::now();
        let code = totp::code_at(&secret, unix(now)).unwrap();
        let (user, codes) = confirm(state, &caller, &code, now).await.unwrap();
        assert!(user.two_factor());
        assert_ne!(
            user.session_stamp(),
            ada.session_stamp(),
            "other sessions end"
        );
        (user, secret, codes)
    }

    #[tokio::test]
    async fn a_first_code_turns_it_on_with_ten_recovery_codes() {
        let state = testing::state().await;
        let (user, _, codes) = enrolled(&state).await;
        assert_eq!(codes.len(), 10);
        let caller = Caller::from_user(Some(user));
        assert_eq!(
            super::state(&state, &caller).await.unwrap(),
            TwoFactor::On { codes_left: 10 }
        );
    }

    #[tokio::test]
    async fn a_wrong_first_code_leaves_it_off() {
        let state = testing::state().await;
        let ada = testing::user(&state, "Ada", Role::Reader).await;
        let caller = Caller::from_user(Some(ada));
        let err = confirm(&state, &caller, "123456", db::now())
            .await
            .unwrap_err();
        assert_eq!(err.for_field("code").as_deref(), Some(NOT_ENROLLING));
        start(&state, &caller).await.unwrap();
        let err = confirm(&state, &caller, "000000", db::now()).await;
        // One in a million: the random secret's current code really is 000000.
        if let Err(err) = err {
            assert_eq!(err.for_field("code").as_deref(), Some(WRONG_CODE));
            assert!(matches!(
                super::state(&state, &caller).await.unwrap(),
                TwoFactor::Enrolling { .. }
            ));
        }
    }

    #[tokio::test]
    async fn a_code_works_once_and_a_recovery_code_once() {
        let state = testing::state().await;
        let (user, secret, codes) = enrolled(&state).await;
        let stamp = user.session_stamp().to_vec();
        // The step that confirmed the set-up is used up; the next one is not.
        let now = db::now();
        let used = totp::code_at(&secret, unix(now)).unwrap();
        let next = totp::code_at(&secret, unix(now) + 30).unwrap();
        if used != next {
            assert!(second_step(&state, "a", user.id, &stamp, &used, now)
                .await
                .is_err());
        }
        second_step(&state, "a", user.id, &stamp, &next, now)
            .await
            .unwrap();
        assert!(second_step(&state, "a", user.id, &stamp, &next, now)
            .await
            .is_err());

        let recovery = codes[3].as_str().to_uppercase();
        second_step(&state, "a", user.id, &stamp, &recovery, now)
            .await
            .unwrap();
        let again = second_step(&state, "a", user.id, &stamp, &recovery, now).await;
        assert_eq!(
            again.unwrap_err().for_field("code").as_deref(),
            Some(WRONG_CODE)
        );
        let caller = Caller::from_user(Some(user));
        assert_eq!(
            super::state(&state, &caller).await.unwrap(),
            TwoFactor::On { codes_left: 9 }
        );
    }

    #[tokio::test]
    async fn a_changed_account_needs_its_password_again() {
        let state = testing::state().await;
        let (user, secret, _) = enrolled(&state).await;
        let now = db::now();
        let next = totp::code_at(&secret, unix(now) + 30).unwrap();
        let err = second_step(&state, "a", user.id, b"older stamp", &next, now)
            .await
            .unwrap_err();
        assert_eq!(err.for_field("code").as_deref(), Some(SIGN_IN_AGAIN));
    }

    #[tokio::test]
    async fn wrong_codes_are_throttled_like_passwords() {
        let state = testing::state().await;
        let (user, _, _) = enrolled(&state).await;
        let stamp = user.session_stamp().to_vec();
        let mut refused = None;
        for _ in 0..20 {
            match second_step(&state, "a", user.id, &stamp, "abcde-abcde", db::now()).await {
                Err(AppError::TooManyRequests(m)) => {
                    refused = Some(m);
                    break;
                }
                Err(_) => {}
                Ok(_) => panic!("a made-up recovery code worked"),
            }
        }
        assert!(refused.is_some(), "wrong codes were never throttled");
    }

    #[tokio::test]
    async fn turning_it_off_takes_the_password() {
        let state = testing::state().await;
        let (user, _, _) = enrolled(&state).await;
        let caller = Caller::from_user(Some(user.clone()));
        // testing::user has no usable password: any typed one is wrong.
        let err = disable(&state, &caller, "guess").await.unwrap_err();
        assert!(err.for_field("password").is_some());
        assert!(matches!(
            super::state(&state, &caller).await.unwrap(),
            TwoFactor::On { .. }
        ));
    }

    #[tokio::test]
    async fn an_admin_on_a_blog_that_requires_it_is_a_reader_until_it_is_on() {
        let mut state = testing::state().await;
        std::sync::Arc::make_mut(&mut state.state.site).admin_two_factor = true;
        let admin = testing::user(&state, "Admin", Role::Admin).await;
        let caller = Caller::on_site(Some(admin), &state.site);
        assert!(matches!(
            caller.require_admin(),
            Err(AppError::TwoFactorRequired)
        ));
        assert_eq!(
            super::state(&state, &caller).await.unwrap(),
            TwoFactor::Off { required: true }
        );
    }
}
