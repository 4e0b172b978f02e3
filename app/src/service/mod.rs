//! The blog's rules, one module a subject: plain async functions of the app state, who is
//! asking and what they typed, returning what a page shows or what changed — or an
//! [`AppError`]. They know nothing of HTTP: a server function (`api/`) finds out who is
//! asking (and from where), calls one, and turns the answer into a response; the tests below
//! each module call them directly, on a real SQLite database.

pub mod accounts;
pub mod autosave;
pub mod comments;
pub mod desk;
pub mod editor;
pub mod listings;
pub mod moderation;
pub mod newsletter;
pub mod pages;
pub mod reading;
pub mod replies;
pub mod resets;
pub mod revisions;
pub mod search;
pub mod sessions;
pub mod site;
pub mod subscriber_lists;
pub mod subscriptions;
pub mod team;
pub mod two_factor;
pub mod verification;

#[cfg(test)]
pub(crate) mod testing;

use crate::auth::{rate_limit, SessionUser};
use crate::db::comments::Viewer;
use crate::domain::{may_change_post, Capability, PostOwnership, Role};
use crate::error::AppError;
use crate::state::AppState;

/// Who is asking: nobody logged in, or someone with a role (see [`Role::can`]).
#[derive(Debug, Clone)]
pub enum Caller {
    Visitor,
    /// A logged-in user, acting with their role.
    Member(SessionUser),
    /// Someone above a reader who must turn on two-factor sign-in before acting as such
    /// (`QUIRE_ADMIN_2FA=required`): a reader until then.
    WithoutTwoFactor(SessionUser),
}

impl Caller {
    pub fn from_user(user: Option<SessionUser>) -> Caller {
        match user {
            None => Caller::Visitor,
            Some(user) => Caller::Member(user),
        }
    }

    /// As [`Caller::from_user`], on a blog that may require its team to use two-factor
    /// sign-in.
    pub fn on_site(user: Option<SessionUser>, site: &crate::state::SiteSettings) -> Caller {
        match Caller::from_user(user) {
            Caller::Member(user)
                if site.admin_two_factor && user.role.is_staff() && !user.two_factor() =>
            {
                Caller::WithoutTwoFactor(user)
            }
            caller => caller,
        }
    }

    pub fn user(&self) -> Option<&SessionUser> {
        match self {
            Caller::Visitor => None,
            Caller::Member(user) | Caller::WithoutTwoFactor(user) => Some(user),
        }
    }

    /// The role they act with now (a reader's until a required two-factor sign-in is on).
    pub fn role(&self) -> Option<Role> {
        match self {
            Caller::Visitor => None,
            Caller::Member(user) => Some(user.role),
            Caller::WithoutTwoFactor(_) => Some(Role::Reader),
        }
    }

    pub fn can(&self, capability: Capability) -> bool {
        self.role().is_some_and(|role| role.can(capability))
    }

    pub fn is_admin(&self) -> bool {
        self.can(Capability::Manage)
    }

    /// The logged-in user, or 401.
    pub fn require_user(&self) -> Result<&SessionUser, AppError> {
        self.user().ok_or(AppError::Unauthorized)
    }

    /// The logged-in user if their role may do this, or 401 (nobody logged in) / 403 (a
    /// role that may not, or one that may but has yet to turn on the two-factor sign-in the
    /// blog requires).
    pub fn require(&self, capability: Capability) -> Result<&SessionUser, AppError> {
        match self {
            Caller::Member(user) if user.role.can(capability) => Ok(user),
            Caller::WithoutTwoFactor(user) if user.role.can(capability) => {
                Err(AppError::TwoFactorRequired)
            }
            Caller::Member(_) | Caller::WithoutTwoFactor(_) => Err(AppError::Forbidden),
            Caller::Visitor => Err(AppError::Unauthorized),
        }
    }

    /// The logged-in admin (see [`Caller::require`]).
    pub fn require_admin(&self) -> Result<&SessionUser, AppError> {
        self.require(Capability::Manage)
    }

    /// Which comments they see (see `db::comments::page_for_post`).
    pub fn viewer(&self) -> Viewer {
        match self {
            Caller::Visitor => Viewer::Visitor,
            _ if self.can(Capability::Moderate) => Viewer::Moderator,
            Caller::Member(user) | Caller::WithoutTwoFactor(user) => Viewer::Reader(user.id),
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

/// The post at `slug` if the caller may change it (see [`may_change_post`]), with who they
/// are: `NotFound` when there is none, `Forbidden` when it is not theirs to change.
async fn post_for_change<'c>(
    state: &AppState,
    caller: &'c Caller,
    slug: &str,
) -> Result<(&'c SessionUser, crate::db::posts::PostRecord), AppError> {
    let user = caller.require(Capability::Write)?;
    let post = post_at(state, slug).await?;
    if !may_change(user, &post) {
        return Err(AppError::Forbidden);
    }
    Ok((user, post))
}

/// Whether `user` may change the stored `post` (see [`may_change_post`]).
fn may_change(user: &SessionUser, post: &crate::db::posts::PostRecord) -> bool {
    let coauthor_ids = post.coauthor_ids();
    let ownership = PostOwnership {
        author_id: post.author_id,
        coauthor_ids: &coauthor_ids,
        published: post.published_at.is_some(),
    };
    may_change_post(user.role, user.id, &ownership)
}
