//! Replies: a comment answering another, one level deep, and the mail to the author of the
//! comment answered, if they asked for it (account page), once the reply is visible.

use crate::db::{self, comments::ReplyNotice, outbox::NewMail};
use crate::domain::CommentStatus;
use crate::error::AppError;
use crate::state::AppState;

use super::Caller;

/// The comment a reply to `raw` (the comment form's `parent` field; empty: not a reply)
/// answers on the post at `slug`: the one that opens its thread. `NotFound` when there is
/// no such comment there that the caller may see.
pub async fn thread_for(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    raw: &str,
) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let gone =
        || AppError::NotFound("The comment you are replying to is not there any more.".into());
    let id: i64 = raw.parse().map_err(|_| gone())?;
    let target = db::comments::reply_target(&state.db, id)
        .await
        .map_err(|e| AppError::from_db("finding a comment", e))?
        .ok_or_else(gone)?;
    let seen = match target.status() {
        CommentStatus::Visible => true,
        CommentStatus::Pending => caller.user().is_some_and(|u| u.id == target.author_id),
        CommentStatus::Hidden => false,
    } || caller.can(crate::domain::Capability::Moderate);
    if target.post_slug != slug || !seen {
        return Err(gone());
    }
    Ok(Some(target.thread_id))
}

/// Mails the author of the comment that reply `id` answers, if they asked to be told and
/// the reply is visible; at most once per reply, whoever calls (a new reply, an approval).
/// Does nothing on a blog that cannot mail.
pub async fn notify(state: &AppState, id: i64) {
    if let Err(e) = try_notify(state, id).await {
        tracing::warn!(error = %e, comment.id = id, "could not queue a reply notice");
    }
}

async fn try_notify(state: &AppState, id: i64) -> Result<(), sqlx::Error> {
    let Some(base_url) = super::resets::by_mail(state) else {
        return Ok(());
    };
    let mut tx = state.db.begin_write().await?;
    let Some(notice) = db::comments::claim_reply_notice(&mut tx, id).await? else {
        return tx.commit().await;
    };
    let letter = Letter::new(&notice, base_url);
    db::outbox::enqueue(&mut tx, &letter.mail(&notice.recipient_email)).await?;
    tx.commit().await?;
    tracing::info!(comment.id = id, "reply notice queued");
    if let Some(mailer) = &state.mailer {
        mailer.wake();
    }
    Ok(())
}

/// The reply notice: who answered, on which post, the start of what they wrote, a link to
/// it, and where to turn such mail off.
struct Letter {
    subject: String,
    text: String,
    html: String,
}

/// How much of a reply the mail quotes.
const QUOTED_CHARS: usize = 300;

impl Letter {
    fn new(notice: &ReplyNotice, base_url: &str) -> Letter {
        let link = format!(
            "{base_url}/posts/{}#comment-{}",
            notice.post_slug, notice.reply_id
        );
        let settings = format!("{base_url}/account#notifications");
        let mut quote: String = notice.body.chars().take(QUOTED_CHARS).collect();
        if notice.body.chars().count() > QUOTED_CHARS {
            quote.push('…');
        }
        let text = format!(
            "Hello {},\n\n{} replied to your comment on “{}”:\n\n{}\n\nRead it and answer: \
             {link}\n\nYou get this mail because you asked to be told of replies. Turn it off \
             on your account page: {settings}\n",
            notice.recipient_name, notice.replier, notice.post_title, quote
        );
        let e = |s: &str| html_escape::encode_text(s).into_owned();
        let html = format!(
            "<p>Hello {},</p><p>{} replied to your comment on “{}”:</p><blockquote>{}</blockquote>\
             <p><a href=\"{}\">Read it and answer</a></p><p>You get this mail because you asked \
             to be told of replies. <a href=\"{}\">Turn it off on your account page</a>.</p>",
            e(&notice.recipient_name),
            e(&notice.replier),
            e(&notice.post_title),
            e(&quote),
            html_escape::encode_double_quoted_attribute(&link),
            html_escape::encode_double_quoted_attribute(&settings),
        );
        Letter {
            subject: format!("{} replied to your comment", notice.replier),
            text,
            html,
        }
    }

    fn mail<'a>(&'a self, recipient: &'a str) -> NewMail<'a> {
        NewMail {
            kind: "reply",
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

/// Whether the caller is mailed replies to their comments.
pub async fn wanted(state: &AppState, caller: &Caller) -> Result<bool, AppError> {
    let user = caller.require_user()?;
    db::users::notify_replies(&state.db, user.id)
        .await
        .map_err(|e| AppError::from_db("reading a notification setting", e))
}

/// Turns the caller's reply mail on (`on`: the box ticked) or off.
pub async fn set_wanted(state: &AppState, caller: &Caller, on: &str) -> Result<(), AppError> {
    let user = caller.require_user()?;
    db::users::set_notify_replies(&state.db, user.id, on == "on")
        .await
        .map_err(|e| AppError::from_db("saving a notification setting", e))
}
