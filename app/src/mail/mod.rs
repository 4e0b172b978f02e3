//! Mail, when SMTP is configured: what Quire sends goes into the durable outbox (table
//! `outbox`) in the transaction that makes it, and [`outbox::deliver`] sends it from there.
//!
//! Names and addresses go into typed headers (lettre's `Mailbox`), which refuse line breaks,
//! so a sender cannot inject headers; the message text only ever goes into the body.

pub mod outbox;

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::db::outbox::{NewMail, QueuedMail};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Mailbox,
    /// The first wait before a failed mail is tried again; it doubles with each failure.
    retry: Duration,
    /// Rung when a mail is queued, so the sender need not wait for its next look.
    queued: Notify,
}

/// What the contact form sent.
pub struct ContactMail<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub body: &'a str,
}

/// A contact message as the mail to the owner, ready to queue.
pub struct ContactForward {
    recipient: String,
    reply_to: String,
    subject: String,
    text: String,
}

impl ContactForward {
    pub fn as_new_mail(&self) -> NewMail<'_> {
        NewMail {
            kind: "contact",
            recipient: &self.recipient,
            reply_to: Some(&self.reply_to),
            subject: &self.subject,
            text_body: &self.text,
            html_body: None,
            message_id: None,
        }
    }
}

impl Mailer {
    /// `smtp_url` in lettre's format: `smtps://user:password@host` (TLS, port 465),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), or plain `smtp://host:25`
    /// (unencrypted: only for a relay on the same machine or network).
    pub fn new(
        smtp_url: &str,
        to: &str,
        from: Option<&str>,
        retry: Duration,
    ) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("SMTP_URL is not a usable SMTP address ({e})"))?
            .timeout(Some(Duration::from_secs(10)))
            .build();
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("CONTACT_TO is not an email address ({e})"))?;
        let from = match from {
            Some(from) => from
                .parse()
                .map_err(|e| format!("CONTACT_FROM is not an email address ({e})"))?,
            None => to.clone(),
        };
        Ok(Mailer {
            transport,
            from,
            to,
            retry,
            queued: Notify::new(),
        })
    }

    /// The mail that forwards a contact message to the blog's owner.
    pub fn contact_forward(&self, mail: &ContactMail<'_>) -> Result<ContactForward, String> {
        let reply_to = Mailbox::new(
            Some(mail.name.to_owned()),
            mail.email
                .parse()
                .map_err(|e| format!("sender address: {e}"))?,
        );
        let phone = if mail.phone.is_empty() {
            "—"
        } else {
            mail.phone
        };
        Ok(ContactForward {
            recipient: self.to.to_string(),
            reply_to: reply_to.to_string(),
            subject: format!("Blog contact from {}", mail.name.replace(['\r', '\n'], " ")),
            text: format!(
                "Name: {}\nEmail: {}\nPhone: {}\n\n{}\n",
                mail.name, mail.email, phone, mail.body
            ),
        })
    }

    /// Tells the sender a mail is waiting.
    pub fn wake(&self) {
        self.queued.notify_one();
    }

    /// Hands `mail` to the SMTP server: text, or text and HTML as alternatives.
    pub async fn send(&self, mail: &QueuedMail) -> Result<(), String> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(mail
                .recipient
                .parse()
                .map_err(|e| format!("recipient: {e}"))?)
            .subject(&mail.subject);
        if let Some(reply_to) = &mail.reply_to {
            builder = builder.reply_to(reply_to.parse().map_err(|e| format!("reply-to: {e}"))?);
        }
        let message = match &mail.html_body {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                html.clone(),
            )),
            None => builder.singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.text_body.clone()),
            ),
        }
        .map_err(|e| format!("building the mail: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("sending the mail: {e}"))
    }
}
