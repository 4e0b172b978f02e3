//! Mail, when SMTP is configured: what Quire sends goes into the durable outbox (table
//! `outbox`) in the transaction that makes it, and [`outbox::deliver`] sends it from there.
//!
//! Names and addresses go into typed headers (lettre's `Mailbox`), which refuse line breaks,
//! so a sender cannot inject headers; the message text only ever goes into the body.

pub mod outbox;

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
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
    /// The pause after each mail of a post to a subscriber (QUIRE_NEWSLETTER_PER_MINUTE):
    /// small SMTP providers throttle, or refuse, senders that hurry.
    pub newsletter_gap: Duration,
    /// Refusals in a row after which a subscriber is no longer mailed (QUIRE_NEWSLETTER_BOUNCES).
    pub newsletter_bounces: i32,
    /// How long a claimed mail is left to its sender before another may try it
    /// (QUIRE_MAIL_LEASE_SECONDS): longer than a send can take (10 s), short enough that a
    /// crash delays the mails it held by no more than this.
    pub lease: Duration,
}

/// Why the SMTP server did not take a mail.
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    /// Refused for good (a 5xx reply, or an address that cannot be one): trying again is
    /// pointless. Otherwise the server may take it later.
    pub permanent: bool,
}

impl SendError {
    fn permanent(message: String) -> SendError {
        SendError {
            message,
            permanent: true,
        }
    }
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
            list_unsubscribe: None,
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
            newsletter_gap: Duration::from_secs(1),
            newsletter_bounces: 3,
            lease: Duration::from_secs(5 * 60),
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

    /// Hands `mail` to the SMTP server: text, or text and HTML as alternatives. Its
    /// Message-ID is made from its outbox id, so a mail sent again after a crash (accepted,
    /// but not yet marked sent) is recognisably the same message.
    pub async fn send(&self, mail: &QueuedMail) -> Result<(), SendError> {
        let to = mail
            .recipient
            .parse()
            .map_err(|e| SendError::permanent(format!("recipient: {e}")))?;
        let domain = self.from.email.domain();
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!("<quire-outbox-{}@{domain}>", mail.id)));
        if let Some(reply_to) = &mail.reply_to {
            let reply_to = reply_to
                .parse()
                .map_err(|e| SendError::permanent(format!("reply-to: {e}")))?;
            builder = builder.reply_to(reply_to);
        }
        if let Some(url) = &mail.list_unsubscribe {
            // Only https URLs of this blog are queued here; a line break would still be
            // refused by the encoder rather than start a header.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
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
        .map_err(|e| SendError::permanent(format!("building the mail: {e}")))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: format!("sending the mail: {e}"),
            })
    }
}
