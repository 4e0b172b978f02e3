//! The account page's list of logged-in sessions.

use leptos::prelude::*;

use crate::domain::SessionView;
use crate::error::AppError;

/// Where the account page's list of sessions is.
pub const SESSIONS_SECTION: &str = "/account#sessions";

/// The logged-in user's sessions, this browser's marked.
#[server(endpoint = "account/sessions")]
pub async fn sessions() -> Result<Vec<SessionView>, AppError> {
    super::guard::serve(async |state, caller| {
        let current = super::guard::session_handle().await?;
        crate::service::sessions::list(state, caller, current.as_deref()).await
    })
    .await
}

/// Ends one of the logged-in user's other sessions: that browser is logged out.
#[server(endpoint = "account/sessions/end")]
pub async fn end_session(handle: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        let current = super::guard::session_handle().await?;
        crate::service::sessions::end(state, caller, &handle, current.as_deref()).await?;
        super::guard::land_on(SESSIONS_SECTION);
        Ok(())
    })
    .await
}

/// Ends every session of the logged-in user but this browser's.
#[server(endpoint = "account/sessions/end-others")]
pub async fn end_other_sessions() -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        let current = super::guard::session_handle().await?;
        crate::service::sessions::end_others(state, caller, current.as_deref()).await?;
        super::guard::land_on(SESSIONS_SECTION);
        Ok(())
    })
    .await
}
