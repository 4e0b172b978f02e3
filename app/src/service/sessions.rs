//! The account page's list of logged-in sessions, and ending them.

use crate::db;
use crate::domain::SessionView;
use crate::error::AppError;
use crate::state::AppState;

use super::Caller;

/// The caller's sessions, most recently used first; `current` names the asking browser's.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    current: Option<&str>,
) -> Result<Vec<SessionView>, AppError> {
    let user = caller.require_user()?;
    let listed = db::sessions::of_user(&state.db, user.id)
        .await
        .map_err(|e| AppError::from_db("listing sessions", e))?;
    Ok(listed
        .into_iter()
        .map(|s| SessionView {
            current: current == Some(s.handle.as_str()),
            handle: s.handle,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            browser: s.browser,
            address: s.address,
        })
        .collect())
}

/// Ends one of the caller's sessions (never another account's: the handle is looked up
/// among the caller's own). Ending this browser's own is logging out, which has its button.
pub async fn end(
    state: &AppState,
    caller: &Caller,
    handle: &str,
    current: Option<&str>,
) -> Result<(), AppError> {
    let user = caller.require_user()?;
    if current == Some(handle) {
        return Err(AppError::BadRequest(
            "That is this browser's session: log out to end it.".into(),
        ));
    }
    let ended = db::sessions::end(&state.db, user.id, handle)
        .await
        .map_err(|e| AppError::from_db("ending a session", e))?;
    if ended == 0 {
        return Err(AppError::NotFound("That session has already ended.".into()));
    }
    tracing::info!(
        user.id = user.id,
        "a session was ended from the account page"
    );
    Ok(())
}

/// Ends every session of the caller's but this browser's. How many ended.
pub async fn end_others(
    state: &AppState,
    caller: &Caller,
    current: Option<&str>,
) -> Result<u64, AppError> {
    let user = caller.require_user()?;
    let ended = db::sessions::end_all_but(&state.db, user.id, current)
        .await
        .map_err(|e| AppError::from_db("ending sessions", e))?;
    tracing::info!(
        user.id = user.id,
        ended,
        "other sessions ended from the account page"
    );
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::devices;
    use crate::domain::Role;
    use crate::service::testing;

    /// A logged-in session of `user_id` named `handle`, as the store would record it.
    async fn session(state: &AppState, id: &str, user_id: i64, handle: &str) {
        let db::Db::Sqlite(pool) = &state.db else {
            unreachable!("the services' tests run on SQLite")
        };
        sqlx::query("INSERT INTO sessions (id, data, expiry_date) VALUES ($1, x'00', 4102444800)")
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
        let mut device = devices::begin(None, user_id, "Firefox/1 Linux", "10.0.0.9", db::now());
        device.handle = handle.to_owned();
        db::sessions::record(&state.db, id, &device).await.unwrap();
    }

    #[tokio::test]
    async fn each_account_sees_and_ends_its_own_sessions_only() {
        let state = testing::state().await;
        let ada = testing::user(&state, "Ada", Role::Reader).await;
        let bob = testing::user(&state, "Bob", Role::Reader).await;
        session(&state, "s1", ada.id, "ada-laptop").await;
        session(&state, "s2", ada.id, "ada-phone").await;
        session(&state, "s3", ada.id, "ada-old").await;
        session(&state, "s4", bob.id, "bob-laptop").await;
        let ada = Caller::from_user(Some(ada));
        let bob = Caller::from_user(Some(bob));

        let listed = list(&state, &ada, Some("ada-laptop")).await.unwrap();
        assert_eq!(listed.len(), 3);
        assert_eq!(listed.iter().filter(|s| s.current).count(), 1);
        assert!(listed.iter().all(|s| s.browser == "Firefox on Linux"));

        let foreign = end(&state, &bob, "ada-phone", Some("bob-laptop")).await;
        assert!(matches!(foreign, Err(AppError::NotFound(_))));
        let own = end(&state, &ada, "ada-laptop", Some("ada-laptop")).await;
        assert!(matches!(own, Err(AppError::BadRequest(_))));
        end(&state, &ada, "ada-phone", Some("ada-laptop"))
            .await
            .unwrap();
        assert_eq!(list(&state, &ada, None).await.unwrap().len(), 2);

        assert_eq!(
            end_others(&state, &ada, Some("ada-laptop")).await.unwrap(),
            1
        );
        let left = list(&state, &ada, Some("ada-laptop")).await.unwrap();
        assert_eq!(left.len(), 1);
        assert!(left[0].current);
        assert_eq!(list(&state, &bob, None).await.unwrap().len(), 1);
        assert!(matches!(
            list(&state, &Caller::Visitor, None).await,
            Err(AppError::Unauthorized)
        ));
    }
}
