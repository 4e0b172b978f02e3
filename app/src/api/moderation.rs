//! Comment moderation, the admin's alone: hiding, showing and approving comments, the
//! moderation queue, and the "hold new comments for approval" setting.

use leptos::prelude::*;

use crate::domain::ModerationQueue;
use crate::error::AppError;

/// Hides, shows or approves comment `id` (`action`: `hide`, `show` or `approve`).
#[server(endpoint = "comments/moderate")]
pub async fn moderate_comment(id: i64, action: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::moderation::moderate(state, caller, id, &action).await
    })
    .await
}

/// The hidden and pending comments, newest first, and whether new ones are held.
#[server(endpoint = "admin/comments")]
pub async fn get_moderation_queue() -> Result<ModerationQueue, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::moderation::queue(state, caller).await
    })
    .await
}

/// Turns "hold new comments for approval" on or off. `hold` comes from a checkbox, which a
/// form leaves out when it is not ticked: missing means off.
#[server(endpoint = "admin/comments/hold")]
pub async fn set_hold_comments(#[server(default)] hold: bool) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::moderation::set_hold(state, caller, hold).await
    })
    .await
}
