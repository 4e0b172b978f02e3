//! The About page and the contact form.

use leptos::prelude::*;

use crate::domain::{AboutView, MessageView};
use crate::error::AppError;

/// What the About page says until the admin writes it.
pub const DEFAULT_ABOUT: &str =
    "This blog runs on **Quire**. Its author has not written an About page yet.";
/// What the contact form says after a message is sent (the Flask blog's words).
pub const MESSAGE_SENT: &str = "Successfully sent your message";
/// The contact page's query parameter after a message was sent.
pub const SENT: &str = "sent";

#[server(endpoint = "about")]
pub async fn get_about() -> Result<AboutView, AppError> {
    use super::guard;
    use crate::domain::Role;

    guard::respond(
        async {
            let state = guard::state()?;
            let is_admin = guard::auth_session()
                .await?
                .user
                .is_some_and(|u| u.role == Role::Admin);
            let source = crate::db::site::setting(&state.db, "about")
                .await
                .map_err(|e| AppError::from_db("loading the About page", e))?
                .unwrap_or_else(|| DEFAULT_ABOUT.to_owned());
            Ok(AboutView {
                html: crate::render::post_html(&source),
                source: is_admin.then_some(source),
            })
        }
        .await,
    )
}

#[server(endpoint = "about/update")]
pub async fn update_about(text: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::parse_body;

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            let text = parse_body(&text)
                .map_err(|m| AppError::invalid("text", m).with_values(&[("text", &text)]))?;
            crate::db::site::set_setting(&state.db, "about", &text)
                .await
                .map_err(|e| AppError::from_db("saving the About page", e))
        }
        .await,
    )
}

/// Keeps a contact message, and mails it when SMTP is configured. A mail that fails is
/// logged; the message stays in the admin's inbox either way. `website` is the honeypot: a
/// form that fills it is answered as sent, and neither kept nor mailed.
#[server(endpoint = "contact")]
pub async fn send_message(
    name: String,
    email: String,
    phone: String,
    message: String,
    #[server(default)] website: String,
) -> Result<(), AppError> {
    use super::guard;
    use crate::auth::rate_limit;
    use crate::db::site::{self, NewMessage};
    use crate::domain::{parse_message, parse_phone, Email, UserName};
    use crate::error::FormErrors;

    guard::respond(
        async {
            let state = guard::state()?;
            let echo = [("name", name.as_str()), ("email", email.as_str()), ("phone", phone.as_str()), ("message", message.as_str())];
            let mut form = FormErrors::default();
            let parsed = (
                form.check("name", UserName::parse(&name)),
                form.check("email", Email::parse(&email)),
                form.check("phone", parse_phone(&phone)),
                form.check("message", parse_message(&message)),
            );
            let (Some(name), Some(email), Some(phone), Some(body)) = parsed else {
                return Err(form.into_error(&echo));
            };
            if guard::caught_by_honeypot("contact", &website) {
                return Ok(());
            }
            let db_err = |e| AppError::from_db("keeping a contact message", e);
            let address = guard::client_address(state.site.trust_forwarded_for).await;
            let limit = rate_limit::CONTACT_PER_ADDRESS;
            if let Some(wait) = limit.check(&state.db, &address).await.map_err(db_err)? {
                return Err(AppError::TooManyRequests(rate_limit::retry_message("Too many messages.", wait)));
            }
            let new = NewMessage { name: name.as_str(), email: email.as_str(), phone: &phone, body: &body };
            let id = site::add_message(&state.db, &new).await.map_err(db_err)?;
            limit.record(&state.db, &address).await.map_err(db_err)?;
            tracing::info!(message.id = id, "contact message kept");

            if let Some(mailer) = state.mailer.clone() {
                let db = state.db.clone();
                // Mailing happens after the answer: a slow or broken SMTP server never makes
                // the sender wait or fail.
                tokio::spawn(async move {
                    let mail = crate::mail::ContactMail { name: name.as_str(), email: email.as_str(), phone: &phone, body: &body };
                    match mailer.send(&mail).await {
                        Ok(()) => {
                            if let Err(e) = site::mark_mailed(&db, id).await {
                                tracing::warn!(message.id = id, error = %e, "mailed, but could not record it");
                            }
                            tracing::info!(message.id = id, "contact message mailed");
                        }
                        Err(e) => tracing::warn!(message.id = id, error = %e, "contact message not mailed; it is in the inbox"),
                    }
                });
            }
            Ok(())
        }
        .await
        // A bot caught by the honeypot lands there too.
        .inspect(|()| guard::land_on(&format!("/contact?{SENT}=1"))),
    )
}

/// The admin's inbox.
#[server(endpoint = "admin/messages")]
pub async fn list_messages() -> Result<Vec<MessageView>, AppError> {
    use super::guard;

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            let rows = crate::db::site::messages(&state.db)
                .await
                .map_err(|e| AppError::from_db("listing messages", e))?;
            Ok(rows
                .into_iter()
                .map(|m| MessageView {
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
        .await,
    )
}

/// Marks a message read (`read=true`) or unread.
#[server(endpoint = "admin/messages/read")]
pub async fn set_message_read(id: i64, read: bool) -> Result<(), AppError> {
    use super::guard;

    guard::respond(
        async {
            let state = guard::state()?;
            guard::require_admin().await?;
            match crate::db::site::set_read(&state.db, id, read).await {
                Ok(true) => Ok(()),
                Ok(false) => Err(AppError::NotFound("There is no such message.".into())),
                Err(e) => Err(AppError::from_db("marking a message", e)),
            }
        }
        .await,
    )
}
