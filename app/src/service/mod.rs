//! The blog's rules, one module a subject: plain async functions of the app state, who is
//! asking and what they typed, returning what a page shows or what changed — or an
//! [`AppError`]. They know nothing of HTTP: a server function (`api/`) finds out who is
//! asking (and from where), calls one, and turns the answer into a response; the tests below
//! each module call them directly, on a real SQLite database.

pub mod accounts;
pub mod autosave;
pub mod comments;
pub mod editor;
pub mod listings;
pub mod moderation;
pub mod newsletter;
pub mod reading;
pub mod resets;
pub mod revisions;
pub mod search;
pub mod sessions;
pub mod site;
pub mod subscriber_lists;
pub mod subscriptions;
pub mod two_factor;
pub mod verification;

#[cfg(test)]
pub(crate) mod testing;

use crate::auth::{rate_limit, SessionUser};
use crate::db::comments::Viewer;
use crate::domain::Role;
use crate::error::AppError;
use crate::state::AppState;

/// Who is asking: nobody logged in, a reader, or the admin.
#[derive(Debug, Clone)]
pub enum Caller {
    Visitor,
    Reader(SessionUser),
    Admin(SessionUser),
    /// An admin who must turn on two-factor sign-in before acting as one
    /// (`QUIRE_ADMIN_2FA=required`): a reader until then.
    AdminWithoutTwoFactor(SessionUser),
}

impl Caller {
    pub fn from_user(user: Option<SessionUser>) -> Caller {
        match user {
            None => Caller::Visitor,
            Some(user) if user.role == Role::Admin => Caller::Admin(user),
            Some(user) => Caller::Reader(user),
        }
    }

    /// As [`Caller::from_user`], on a blog that may require admins to use two-factor sign-in.
    pub fn on_site(user: Option<SessionUser>, site: &crate::state::SiteSettings) -> Caller {
        match Caller::from_user(user) {
            Caller::Admin(user) if site.admin_two_factor && !user.two_factor() => {
                Caller::AdminWithoutTwoFactor(user)
            }
            caller => caller,
        }
    }

    pub fn user(&self) -> Option<&SessionUser> {
        match self {
            Caller::Visitor => None,
            Caller::Reader(user) | Caller::Admin(user) | Caller::AdminWithoutTwoFactor(user) => {
                Some(user)
            }
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(self, Caller::Admin(_))
    }

    /// The logged-in user, or 401.
    pub fn require_user(&self) -> Result<&SessionUser, AppError> {
        self.user().ok_or(AppError::Unauthorized)
    }

    /// The logged-in admin, or 401 (nobody logged in) / 403 (not an admin, or an admin who
    /// has yet to turn on the two-factor sign-in the blog requires).
    pub fn require_admin(&self) -> Result<&SessionUser, AppError> {
        match self {
            Caller::Admin(user) => Ok(user),
            Caller::Reader(_) => Err(AppError::Forbidden),
            Caller::AdminWithoutTwoFactor(_) => Err(AppError::TwoFactorRequired),
            Caller::Visitor => Err(AppError::Unauthorized),
        }
    }

    /// Which comments they see (see `db::comments::page_for_post`).
    pub fn viewer(&self) -> Viewer {
        match self {
            Caller::Visitor => Viewer::Visitor,
            Caller::Reader(user) | Caller::AdminWithoutTwoFactor(user) => Viewer::Reader(user.id),
            Caller::Admin(_) => Viewer::Admin,
        }
    }
}

/// Whether a form came back with its honeypot field filled — by a bot, since people never
/// see the field. Logs one line naming the form, never what was typed: the caller answers
/// as if all went well and stores nothing.
pub fn caught_by_honeypot(form: &'static str, value: &str) -> bool {
    let caught = crate::domain::filled_honeypot(value);
    if caught {
        tracing::warn!(form, "honeypot field filled: submission dropped");
    }
    caught
}

/// Checks the password a logged-in user typed to confirm a change (a new password, an address,
/// two-factor sign-in off, new recovery codes). A wrong one is a failed login like any other,
/// counted against the account's allowance; `wrong` is the message under `field`.
async fn confirm_password(
    state: &AppState,
    user: &SessionUser,
    typed: &str,
    field: &'static str,
    wrong: &'static str,
) -> Result<(), AppError> {
    let limits = [(rate_limit::LOGIN_PER_ACCOUNT, user.email.as_str())];
    let too_many = "Too many wrong passwords.";
    let admitted = admit(state, &limits, too_many, "checking a password").await?;
    if !crate::auth::password::verify(typed, &user.password_hash).await {
        return Err(AppError::invalid(field, wrong));
    }
    admitted.forgive(&state.db).await;
    Ok(())
}

/// Lets an attempt through its limits, counting it against each (see [`rate_limit::admit`]),
/// or refuses it with a 429 that says `what` and how long to wait.
async fn admit(
    state: &AppState,
    limits: &[(rate_limit::Policy, &str)],
    what: &str,
    doing: &'static str,
) -> Result<rate_limit::Admitted, AppError> {
    match rate_limit::admit(&state.db, limits).await {
        Ok(Ok(admitted)) => Ok(admitted),
        Ok(Err(wait)) => Err(AppError::TooManyRequests(rate_limit::retry_message(
            what, wait,
        ))),
        Err(e) => Err(AppError::from_db(doing, e)),
    }
}

/// The post at `slug`, or `NotFound` (the editor's, the revisions' and the draft copies').
async fn post_at(state: &AppState, slug: &str) -> Result<crate::db::posts::PostRecord, AppError> {
    crate::db::posts::by_slug(&state.db, slug)
        .await
        .map_err(|e| AppError::from_db("loading a post", e))?
        .ok_or_else(|| AppError::NotFound("There is no such post.".into()))
}
