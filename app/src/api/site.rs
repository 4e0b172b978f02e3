//! The About page and the contact form.

use leptos::prelude::*;

use crate::domain::{AboutView, MessageView, UnsentMail};
use crate::error::AppError;

/// What the contact form says after a message is sent (the Flask blog's words).
pub const MESSAGE_SENT: &str = "Successfully sent your message";
/// The contact page's query parameter after a message was sent.
pub const SENT: &str = "sent";

#[server(endpoint = "about")]
pub async fn get_about() -> Result<AboutView, AppError> {
    super::guard::serve(async |state, caller| crate::service::site::about(state, caller).await)
        .await
}

#[server(endpoint = "about/update")]
pub async fn update_about(text: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::site::update_about(state, caller, &text).await
    })
    .await
}

/// Keeps a contact message, and mails it when SMTP is configured; then shows the contact
/// page's "sent" note. `website` is the honeypot: a form that fills it lands there too, and
/// nothing is kept or mailed.
#[server(endpoint = "contact")]
pub async fn send_message(
    name: String,
    email: String,
    phone: String,
    message: String,
    #[server(default)] website: String,
) -> Result<(), AppError> {
    use crate::service::site::{self, Contact};
    super::guard::serve(async |state, _| {
        let address = super::guard::client_address(state.site.trust_forwarded_for).await;
        let form = Contact {
            name: &name,
            email: &email,
            phone: &phone,
            message: &message,
            website: &website,
        };
        site::contact(state, &address, &form).await?;
        super::guard::land_on(&format!("/contact?{SENT}=1"));
        Ok(())
    })
    .await
}

/// Mail the SMTP server has not taken yet (contact messages, reset links), for the admin.
#[server(endpoint = "admin/outbox")]
pub async fn list_unsent_mail() -> Result<Vec<UnsentMail>, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::site::unsent_mail(state, caller).await
    })
    .await
}

/// The admin's inbox.
#[server(endpoint = "admin/messages")]
pub async fn list_messages() -> Result<Vec<MessageView>, AppError> {
    super::guard::serve(async |state, caller| crate::service::site::messages(state, caller).await)
        .await
}

/// Marks a message read (`read=true`) or unread.
#[server(endpoint = "admin/messages/read")]
pub async fn set_message_read(id: i64, read: bool) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::site::set_read(state, caller, id, read).await
    })
    .await
}
