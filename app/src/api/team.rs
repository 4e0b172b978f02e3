use leptos::prelude::*;

use crate::domain::{InviteListing, InviteSent, InviteView};
use crate::error::AppError;

/// `?saved=` value the people page shows a note for after a change.
pub const SAVED_TEAM: &str = "team";

/// Invitations not used yet (admin only).
#[server(endpoint = "admin/invites")]
pub async fn list_invites() -> Result<Vec<InviteListing>, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::team::invitations(state, caller).await
    })
    .await
}

/// Invites someone by email with a role (admin only). The link is mailed, or — on a blog
/// that cannot mail — returned to show; a browser without JavaScript is sent back to the
/// people page with a key to it (`?shown=`).
#[server(endpoint = "admin/invites/create")]
pub async fn invite(email: String, role: String) -> Result<InviteSent, AppError> {
    super::guard::serve(async |state, caller| {
        let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok();
        let host = headers
            .as_ref()
            .and_then(|h| h.get(axum::http::header::HOST))
            .and_then(|h| h.to_str().ok());
        let sent = crate::service::team::invite(state, caller, &email, &role, host).await?;
        if super::guard::plain_form_post() {
            let admin = caller.require_admin()?.id;
            let key = crate::service::team::hold_for_next_page(admin, sent.clone());
            super::guard::land_on(&format!("/admin/users?shown={key}#invite-form"));
        }
        Ok(sent)
    })
    .await
}

/// The invitation a plain form post made, once (see [`invite`]).
#[server(endpoint = "admin/invites/shown")]
pub async fn shown_invite(key: String) -> Result<Option<InviteSent>, AppError> {
    super::guard::serve(async |_, caller| crate::service::team::held(caller, &key)).await
}

/// Withdraws an invitation not used yet (admin only).
#[server(endpoint = "admin/invites/withdraw")]
pub async fn withdraw_invite(id: i64) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::team::withdraw(state, caller, id).await?;
        super::guard::land_on(&format!("/admin/users?saved={SAVED_TEAM}"));
        Ok(())
    })
    .await
}

/// Gives someone another role (admin only; never one's own).
#[server(endpoint = "admin/users/role")]
pub async fn set_role(id: i64, role: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::team::set_role(state, caller, id, &role).await?;
        super::guard::land_on(&format!("/admin/users?saved={SAVED_TEAM}"));
        Ok(())
    })
    .await
}

/// Removes someone, keeping what they wrote under their name (admin only; never oneself).
#[server(endpoint = "admin/users/remove")]
pub async fn remove_user(id: i64, #[server(default)] confirm: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::team::remove(state, caller, id, &confirm).await?;
        super::guard::land_on(&format!("/admin/users?saved={SAVED_TEAM}"));
        Ok(())
    })
    .await
}

/// The invitation behind a link; a dead one is a 404 saying why.
#[server(endpoint = "invites/get")]
pub async fn invitation(token: String) -> Result<InviteView, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::team::invitation(state, caller, &token, crate::db::now()).await
    })
    .await
}

/// Accepts an invitation: as the logged-in account, or as a new one (then logged in).
#[server(endpoint = "invites/accept")]
pub async fn accept_invite(
    token: String,
    #[server(default)] name: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        let now = crate::db::now();
        let joined =
            crate::service::team::accept(state, caller, &token, &name, &password, now).await?;
        if let Some(user) = joined {
            super::guard::start_session(&user).await?;
        }
        super::guard::land_on("/admin/posts");
        Ok(())
    })
    .await
}
