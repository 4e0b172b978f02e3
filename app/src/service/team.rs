//! The team: the admin invites people by email with a role (a single-use link that expires,
//! mailed through the outbox, or shown once when the blog cannot mail), changes roles, and
//! removes people, whose posts and comments stay under their name.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

use crate::auth::reset_token::ResetToken;
use crate::auth::{password, SessionUser};
use crate::db::{self, invites::Refused, outbox::NewMail};
use crate::domain::{
    format_saved_at, Email, InviteListing, InviteSent, InviteView, Password, Role, UserName,
    ALREADY_REGISTERED, INVITE_DAYS, INVITE_GONE, INVITE_USED,
};
use crate::error::{AppError, FormErrors};
use crate::state::AppState;

use super::Caller;

fn db_err(doing: &'static str) -> impl Fn(sqlx::Error) -> AppError {
    move |e| AppError::from_db(doing, e)
}

/// Invites `email` to join with `role`. `host` makes the link's address when the blog has
/// no public URL (and so cannot mail it either).
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    email: &str,
    role: &str,
    host: Option<&str>,
) -> Result<InviteSent, AppError> {
    let admin = caller.require_admin()?;
    let echo = [("email", email), ("role", role)];
    let mut form = FormErrors::default();
    let parsed = (
        form.check("email", Email::parse(email)),
        form.check("role", parse_team_role(role)),
    );
    let (Some(email), Some(role)) = parsed else {
        return Err(form.into_error(&echo));
    };
    if let Some(member) = db::users::by_email(&state.db, &email)
        .await
        .map_err(db_err("finding an account"))?
    {
        if Role::higher(member.role, role) == member.role {
            let message = format!(
                "{} is {} already.",
                member.name,
                with_article(member.role.label())
            );
            return Err(AppError::invalid("email", message).with_values(&echo));
        }
    }
    let token = ResetToken::generate();
    let mailed = super::resets::by_mail(state).map(str::to_owned);
    let base_url = mailed.clone().unwrap_or_else(|| state.site.base_url(host));
    let link = format!("{base_url}/invite/{}", token.as_str());
    let expires_at = db::now() + TimeDelta::days(INVITE_DAYS);
    let letter = mailed
        .is_some()
        .then(|| Letter::new(&admin.name, role, &base_url, &link, expires_at));
    let mails: Vec<NewMail<'_>> = letter.iter().map(|l| l.mail(email.as_str())).collect();
    let invite = db::invites::NewInvite {
        token_hash: &token.hash(),
        email: &email,
        role,
        invited_by: admin.id,
        expires_at,
    };
    db::invites::create(&state.db, &invite, &mails)
        .await
        .map_err(db_err("recording an invitation"))?;
    tracing::info!(
        role = role.as_str(),
        mailed = mailed.is_some(),
        "invitation made"
    );
    if let (Some(mailer), true) = (&state.mailer, mailed.is_some()) {
        mailer.wake();
    }
    Ok(InviteSent {
        email: email.as_str().to_owned(),
        role,
        link: mailed.is_none().then_some(link),
    })
}

/// A role one may be invited to: any but a reader's (anyone can register as a reader).
fn parse_team_role(raw: &str) -> Result<Role, String> {
    match Role::parse(raw.trim()) {
        Some(Role::Reader) | None => {
            Err("Choose a role: admin, editor, author or contributor.".into())
        }
        Some(role) => Ok(role),
    }
}

fn with_article(label: &str) -> String {
    let article = if label.starts_with(['A', 'E']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {}", label.to_lowercase())
}

/// The invitation mail.
struct Letter {
    subject: String,
    text: String,
    html: String,
}

impl Letter {
    fn new(
        inviter: &str,
        role: Role,
        base_url: &str,
        link: &str,
        expires: DateTime<Utc>,
    ) -> Letter {
        let role_name = with_article(role.label());
        let expires = format_saved_at(expires);
        let text = format!(
            "Hello,\n\n{inviter} invites you to join {base_url} as {role_name}: you may {}.\n\n\
             Open this link to accept (it works once, until {expires}):\n\n{link}\n\n\
             If you do not want to join, ignore this mail.\n",
            role.describe()
        );
        let html = format!(
            "<p>Hello,</p><p>{} invites you to join {} as {role_name}: you may {}.</p>\
             <p><a href=\"{}\">Accept the invitation</a> (the link works once, until \
             {expires}).</p><p>If you do not want to join, ignore this mail.</p>",
            html_escape::encode_text(inviter),
            html_escape::encode_text(base_url),
            role.describe(),
            html_escape::encode_double_quoted_attribute(link),
        );
        Letter {
            subject: format!("{inviter} invites you to join their blog"),
            text,
            html,
        }
    }

    fn mail<'a>(&'a self, recipient: &'a str) -> NewMail<'a> {
        NewMail {
            kind: "invite",
            recipient,
            reply_to: None,
            subject: &self.subject,
            text_body: &self.text,
            html_body: Some(&self.html),
            message_id: None,
            list_unsubscribe: None,
        }
    }
}

/// Invitations not used yet, for the admin.
pub async fn invitations(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<InviteListing>, AppError> {
    caller.require_admin()?;
    let now = db::now();
    let rows = db::invites::pending(&state.db)
        .await
        .map_err(db_err("listing invitations"))?;
    Ok(rows
        .into_iter()
        .map(|row| InviteListing {
            id: row.id,
            email: row.email,
            role: Role::parse(&row.role).unwrap_or(Role::Reader),
            invited_by: row.invited_by,
            expires: format_saved_at(row.expires_at),
            expired: row.expires_at <= now,
        })
        .collect())
}

pub async fn withdraw(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    caller.require_admin()?;
    match db::invites::withdraw(&state.db, id).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::NotFound(
            "There is no such invitation, or it was used already.".into(),
        )),
        Err(e) => Err(db_err("withdrawing an invitation")(e)),
    }
}

/// Gives someone else another role (one's own stays: so a blog always keeps an admin).
pub async fn set_role(
    state: &AppState,
    caller: &Caller,
    id: i64,
    role: &str,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let role = Role::parse(role.trim())
        .ok_or_else(|| AppError::invalid("role", "Choose one of the roles listed."))?;
    if admin.id == id {
        return Err(AppError::invalid(
            "role",
            "You cannot change your own role: ask another admin.",
        ));
    }
    let changed = db::users::set_role(&state.db, id, role).await;
    account_changed(changed, "changing a role")?;
    tracing::info!(user.id = id, role = role.as_str(), "role changed");
    Ok(())
}

/// A change to someone's account that found it (`true`), or a 404 when there is none.
fn account_changed(result: Result<bool, sqlx::Error>, doing: &'static str) -> Result<(), AppError> {
    match result {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::NotFound("There is no such account.".into())),
        Err(e) => Err(db_err(doing)(e)),
    }
}

/// Removes someone else (see `db::users::remove`). `confirm` is the form's "Yes, remove"
/// box: `on` when ticked.
pub async fn remove(
    state: &AppState,
    caller: &Caller,
    id: i64,
    confirm: &str,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    if admin.id == id {
        return Err(AppError::invalid(
            "form",
            "You cannot remove yourself: ask another admin.",
        ));
    }
    if confirm != "on" {
        return Err(AppError::invalid(
            "form",
            "Tick the box to confirm: removing someone cannot be undone.",
        ));
    }
    account_changed(db::users::remove(&state.db, id).await, "removing a person")?;
    tracing::info!(user.id = id, "person removed");
    Ok(())
}

/// The invitation behind a link, for its page; a dead link is a 404 saying why.
pub async fn invitation(
    state: &AppState,
    caller: &Caller,
    token: &str,
    now: DateTime<Utc>,
) -> Result<InviteView, AppError> {
    let row = live_invite(state, token, now).await?;
    let email =
        Email::parse(&row.email).map_err(|m| AppError::internal("reading an invitation", m))?;
    let account_exists = db::users::id_by_email(&state.db, &email)
        .await
        .map_err(db_err("finding an account"))?
        .is_some();
    Ok(InviteView {
        email: row.email,
        role: Role::parse(&row.role).unwrap_or(Role::Reader),
        invited_by: row.invited_by,
        expires: format_saved_at(row.expires_at),
        signed_in_as: caller.user().map(|u| u.email.clone()),
        account_exists,
    })
}

async fn live_invite(
    state: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<db::invites::InviteRecord, AppError> {
    let gone = || AppError::NotFound(INVITE_GONE.into());
    let token = ResetToken::parse(token).ok_or_else(gone)?;
    let row = db::invites::by_token(&state.db, &token.hash())
        .await
        .map_err(db_err("reading an invitation"))?
        .ok_or_else(gone)?;
    if row.used_at.is_some() {
        return Err(AppError::NotFound(INVITE_USED.into()));
    }
    if row.expires_at <= now {
        return Err(AppError::NotFound(expired_message(row.expires_at)));
    }
    Ok(row)
}

fn expired_message(at: DateTime<Utc>) -> String {
    format!(
        "This invitation expired on {}. Ask whoever invited you for a new one.",
        format_saved_at(at)
    )
}

/// Accepting an invitation: as the account logged in here (which must have the invited
/// address), or as a new account made from `name` and `password`. Returns the new account,
/// to log in, or `None` when the logged-in one took the role.
pub async fn accept(
    state: &AppState,
    caller: &Caller,
    token: &str,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionUser>, AppError> {
    let row = live_invite(state, token, now).await?;
    let token = ResetToken::parse(token).ok_or_else(|| AppError::NotFound(INVITE_GONE.into()))?;
    if let Some(user) = caller.user() {
        let accepted =
            db::invites::accept_as_member(&state.db, &token.hash(), now, user.id, &user.email)
                .await
                .map_err(db_err("accepting an invitation"))?;
        return match accepted {
            Ok(role) => {
                tracing::info!(
                    user.id = user.id,
                    role = role.as_str(),
                    "invitation accepted"
                );
                Ok(None)
            }
            Err(refused) => Err(refusal(refused, &row.email, Some(&user.email))),
        };
    }
    let echo = [("name", name)];
    let mut form = FormErrors::default();
    let parsed = (
        form.check("name", UserName::parse(name)),
        form.check("password", Password::parse(password)),
    );
    let (Some(name), Some(password)) = parsed else {
        return Err(form.into_error(&echo));
    };
    let hash = password::hash(&password)
        .await
        .map_err(|e| AppError::internal("hashing a password", e))?;
    match db::invites::accept_as_new(&state.db, &token.hash(), now, &name, &hash)
        .await
        .map_err(db_err("accepting an invitation"))?
    {
        Ok(user) => {
            tracing::info!(
                user.id = user.id,
                role = user.role.as_str(),
                "invitation accepted by a new account"
            );
            Ok(Some(user))
        }
        Err(refused) => Err(refusal(refused, &row.email, None).with_values(&echo)),
    }
}

fn refusal(refused: Refused, invited: &str, signed_in_as: Option<&str>) -> AppError {
    match refused {
        Refused::Dead => AppError::NotFound(INVITE_USED.into()),
        Refused::OtherAddress => AppError::conflict(
            "form",
            format!(
                "This invitation is for {invited}, and you are logged in as {}. Log out, then \
                 open the link again to accept it as {invited}.",
                signed_in_as.unwrap_or("someone else")
            ),
        ),
        Refused::AccountExists => AppError::conflict(
            "form",
            format!(
                "{ALREADY_REGISTERED} Log in as {invited}, then open the link again to accept."
            ),
        ),
    }
}

/// Invitation links made for a browser without JavaScript, held (in this process's memory
/// only, never stored) until the admin's next page shows them: a plain form post is answered
/// with a redirect, which carries a key to the link, not the link itself.
static SHOWN: LazyLock<Mutex<HashMap<String, Held>>> = LazyLock::new(Default::default);

/// An invitation held for an admin (by id) since a moment.
type Held = (i64, Instant, InviteSent);

const SHOWN_FOR: Duration = Duration::from_secs(10 * 60);

/// Holds `sent` for the admin `admin_id`'s next page; returns the key to fetch it with.
pub fn hold_for_next_page(admin_id: i64, sent: InviteSent) -> String {
    let key = ResetToken::generate().as_str().to_owned();
    let mut shown = SHOWN.lock().unwrap_or_else(|e| e.into_inner());
    shown.retain(|_, (_, at, _)| at.elapsed() < SHOWN_FOR);
    shown.insert(key.clone(), (admin_id, Instant::now(), sent));
    key
}

/// The invitation held under `key` for the calling admin, once.
pub fn held(caller: &Caller, key: &str) -> Result<Option<InviteSent>, AppError> {
    let admin = caller.require_admin()?;
    let mut shown = SHOWN.lock().unwrap_or_else(|e| e.into_inner());
    match shown.get(key) {
        Some((owner, at, _)) if *owner == admin.id && at.elapsed() < SHOWN_FOR => {
            Ok(shown.remove(key).map(|(_, _, sent)| sent))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::testing;

    async fn member(state: &AppState, name: &str, role: Role) -> Caller {
        Caller::from_user(Some(testing::user(state, name, role).await))
    }

    fn token_of(sent: &InviteSent) -> String {
        sent.link
            .as_deref()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned()
    }

    #[tokio::test]
    async fn an_invitation_makes_an_account_with_its_role_once() {
        let state = testing::state().await;
        let admin = member(&state, "Admin", Role::Admin).await;
        let sent = invite(
            &state,
            &admin,
            "Eve@Example.com",
            "editor",
            Some("blog.test"),
        )
        .await
        .unwrap();
        assert_eq!(sent.email, "eve@example.com");
        assert!(sent
            .link
            .as_deref()
            .unwrap()
            .starts_with("http://blog.test/invite/"));
        let token = token_of(&sent);
        let now = db::now();
        let view = invitation(&state, &Caller::Visitor, &token, now)
            .await
            .unwrap();
        assert_eq!((view.role, view.account_exists), (Role::Editor, false));

        let eve = accept(
            &state,
            &Caller::Visitor,
            &token,
            "Eve",
            "a long enough pass",
            now,
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            (eve.role, eve.email.as_str()),
            (Role::Editor, "eve@example.com")
        );
        let again = accept(
            &state,
            &Caller::Visitor,
            &token,
            "Eve",
            "a long enough pass",
            now,
        )
        .await
        .unwrap_err();
        assert_eq!(again, AppError::NotFound(INVITE_USED.into()));
        assert!(invitations(&state, &admin).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_expired_link_or_another_account_is_refused_and_leaves_the_link_alone() {
        let state = testing::state().await;
        let admin = member(&state, "Admin", Role::Admin).await;
        let sent = invite(&state, &admin, "sam@example.com", "author", None)
            .await
            .unwrap();
        let token = token_of(&sent);
        let later = db::now() + TimeDelta::days(INVITE_DAYS) + TimeDelta::minutes(1);
        let expired = accept(
            &state,
            &Caller::Visitor,
            &token,
            "Sam",
            "a long enough pass",
            later,
        )
        .await
        .unwrap_err();
        assert!(expired.to_string().contains("expired"), "{expired}");

        let other = member(&state, "Other", Role::Reader).await;
        let wrong = accept(&state, &other, &token, "", "", db::now())
            .await
            .unwrap_err();
        assert_eq!(wrong.status(), http::StatusCode::CONFLICT);
        assert!(wrong.for_field("form").unwrap().contains("sam@example.com"));
        // Still usable by the right person.
        let sam = accept(
            &state,
            &Caller::Visitor,
            &token,
            "Sam",
            "a long enough pass",
            db::now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(sam.role, Role::Author);
    }

    #[tokio::test]
    async fn only_the_admin_manages_and_never_their_own_role() {
        let state = testing::state().await;
        let admin = member(&state, "Admin", Role::Admin).await;
        let editor = member(&state, "Ed", Role::Editor).await;
        assert_eq!(
            invite(&state, &editor, "x@example.com", "author", None)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let reader = testing::user(&state, "Rita", Role::Reader).await;
        set_role(&state, &admin, reader.id, "contributor")
            .await
            .unwrap();
        let me = admin.user().unwrap().id;
        assert!(set_role(&state, &admin, me, "reader").await.is_err());
        assert!(remove(&state, &admin, me, "on").await.is_err());
        assert!(invite(&state, &admin, "x@example.com", "reader", None)
            .await
            .is_err());
        let rita = db::users::by_id(&state.db, reader.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rita.role, Role::Contributor);

        assert!(
            remove(&state, &admin, reader.id, "").await.is_err(),
            "not confirmed"
        );
        remove(&state, &admin, reader.id, "on").await.unwrap();
        let gone = db::users::by_id(&state.db, reader.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((gone.name.as_str(), gone.role), ("Rita", Role::Reader));
        assert!(gone.email.ends_with("@removed.invalid"));
    }
}
