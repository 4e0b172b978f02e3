//! The About page, the contact form, and the admin's inbox of contact messages.

use crate::auth::rate_limit;
use crate::db::{
    self,
    site::{self, NewMessage},
};
use crate::domain::{
    parse_body, parse_message, parse_phone, AboutView, Email, MessageView, UnsentMail, UserName,
};
use crate::error::{AppError, FormErrors};
use crate::state::AppState;

use super::{admit, caught_by_honeypot, Caller};

/// What the About page says until the admin writes it.
pub const DEFAULT_ABOUT: &str =
    "This blog runs on **Quire**. Its author has not written an About page yet.";

/// The About page; the admin also gets its Markdown, to edit.
pub async fn about(state: &AppState, caller: &Caller) -> Result<AboutView, AppError> {
    let source = site::setting(&state.db, "about")
        .await
        .map_err(|e| AppError::from_db("loading the About page", e))?
        .unwrap_or_else(|| DEFAULT_ABOUT.to_owned());
    Ok(AboutView {
        html: crate::render::post_html(&source),
        source: caller.is_admin().then_some(source),
    })
}

pub async fn update_about(state: &AppState, caller: &Caller, text: &str) -> Result<(), AppError> {
    caller.require_admin()?;
    let text = parse_body(text)
        .map_err(|m| AppError::invalid("text", m).with_values(&[("text", text)]))?;
    site::set_setting(&state.db, "about", &text)
        .await
        .map_err(|e| AppError::from_db("saving the About page", e))
}

/// The contact form as typed. `website` is the honeypot.
pub struct Contact<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub message: &'a str,
    pub website: &'a str,
}

/// Keeps a contact message (within the address's allowance), then mails it when SMTP is
/// configured — after the answer, so a slow or broken mail server never makes the sender
/// wait or fail; the message stays in the admin's inbox either way. A bot that fills the
/// honeypot is answered as if it was sent, and nothing is kept or mailed.
pub async fn contact(state: &AppState, address: &str, form: &Contact<'_>) -> Result<(), AppError> {
    let echo = [
        ("name", form.name),
        ("email", form.email),
        ("phone", form.phone),
        ("message", form.message),
    ];
    let mut errors = FormErrors::default();
    let parsed = (
        errors.check("name", UserName::parse(form.name)),
        errors.check("email", Email::parse(form.email)),
        errors.check("phone", parse_phone(form.phone)),
        errors.check("message", parse_message(form.message)),
    );
    let (Some(name), Some(email), Some(phone), Some(body)) = parsed else {
        return Err(errors.into_error(&echo));
    };
    if caught_by_honeypot("contact", form.website) {
        return Ok(());
    }
    let db_err = |e| AppError::from_db("keeping a contact message", e);
    let limits = [(rate_limit::CONTACT_PER_ADDRESS, address)];
    let admitted = admit(
        state,
        &limits,
        "Too many messages.",
        "keeping a contact message",
    )
    .await?;
    let new = NewMessage {
        name: name.as_str(),
        email: email.as_str(),
        phone: &phone,
        body: &body,
    };
    let contact = crate::mail::ContactMail {
        name: name.as_str(),
        email: email.as_str(),
        phone: &phone,
        body: &body,
    };
    // Parsed already, so a mail that cannot be made is Quire's fault, not the sender's.
    let forward = match state.mailer.as_deref().map(|m| m.contact_forward(&contact)) {
        Some(Ok(forward)) => Some(forward),
        Some(Err(e)) => {
            tracing::warn!(error = %e, "cannot make the contact mail");
            None
        }
        None => None,
    };
    let kept = site::add_message(&state.db, &new, forward.as_ref().map(|f| f.as_new_mail())).await;
    let id = match kept {
        Ok(id) => id,
        Err(e) => {
            admitted.forgive(&state.db).await;
            return Err(db_err(e));
        }
    };
    tracing::info!(
        message.id = id,
        mailed = forward.is_some(),
        "contact message kept"
    );
    if let Some(mailer) = &state.mailer {
        mailer.wake();
    }
    Ok(())
}

/// The admin's inbox.
pub async fn messages(state: &AppState, caller: &Caller) -> Result<Vec<MessageView>, AppError> {
    caller.require_admin()?;
    let db_err = |e| AppError::from_db("listing messages", e);
    let rows = site::messages(&state.db).await.map_err(db_err)?;
    let mut errors: std::collections::HashMap<i64, String> =
        db::outbox::pending_for_messages(&state.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .filter_map(|p| p.last_error.map(|e| (p.message_id, e)))
            .collect();
    Ok(rows
        .into_iter()
        .map(|m| MessageView {
            mail_error: errors.remove(&m.id),
            id: m.id,
            name: m.name,
            email: m.email,
            phone: m.phone,
            body: m.body,
            created_at: m.created_at,
            read: m.read_at.is_some(),
            mailed: m.mailed,
        })
        .collect())
}

/// Mail of every kind that the SMTP server has not taken yet, for the admin.
pub async fn unsent_mail(state: &AppState, caller: &Caller) -> Result<Vec<UnsentMail>, AppError> {
    caller.require_admin()?;
    let rows = db::outbox::unsent(&state.db)
        .await
        .map_err(|e| AppError::from_db("listing unsent mail", e))?;
    Ok(rows
        .into_iter()
        .map(|m| UnsentMail {
            given_up: m.attempts >= crate::mail::outbox::MAX_ATTEMPTS,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            attempts: m.attempts,
            last_error: m.last_error,
            next_attempt_at: m.next_attempt_at,
        })
        .collect())
}

/// Marks message `id` read or unread.
pub async fn set_read(
    state: &AppState,
    caller: &Caller,
    id: i64,
    read: bool,
) -> Result<(), AppError> {
    caller.require_admin()?;
    match site::set_read(&state.db, id, read).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::NotFound("There is no such message.".into())),
        Err(e) => Err(AppError::from_db("marking a message", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::testing;

    fn message<'a>(website: &'a str) -> Contact<'a> {
        Contact {
            name: "Visitor",
            email: "v@example.com",
            phone: "",
            message: "Hello there",
            website,
        }
    }

    #[tokio::test]
    async fn messages_are_kept_for_the_admin_alone_and_throttled() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        contact(&state, "9.9.9.9", &message("http://spam"))
            .await
            .unwrap();
        assert!(
            messages(&state, &admin).await.unwrap().is_empty(),
            "the honeypot keeps nothing"
        );
        for _ in 0..rate_limit::CONTACT_PER_ADDRESS.free {
            contact(&state, "9.9.9.9", &message("")).await.unwrap();
        }
        let err = contact(&state, "9.9.9.9", &message("")).await.unwrap_err();
        assert_eq!(err.status(), 429);
        let inbox = messages(&state, &admin).await.unwrap();
        assert_eq!(inbox.len(), rate_limit::CONTACT_PER_ADDRESS.free as usize);
        assert_eq!(
            messages(&state, &Caller::Visitor).await.unwrap_err(),
            AppError::Unauthorized
        );
        set_read(&state, &admin, inbox[0].id, true).await.unwrap();
        assert_eq!(
            set_read(&state, &admin, 999, true)
                .await
                .unwrap_err()
                .status(),
            404
        );
    }

    #[tokio::test]
    async fn the_about_page_shows_its_source_to_the_admin_only() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        assert!(about(&state, &Caller::Visitor)
            .await
            .unwrap()
            .source
            .is_none());
        update_about(&state, &admin, "# Hi").await.unwrap();
        let view = about(&state, &admin).await.unwrap();
        assert_eq!(view.source.as_deref(), Some("# Hi"));
        assert!(view.html.contains("Hi</h1>"), "{}", view.html);
        assert_eq!(
            update_about(&state, &Caller::Visitor, "x")
                .await
                .unwrap_err(),
            AppError::Unauthorized
        );
    }
}
