//! Mailing contact messages to the blog's owner, when SMTP is configured.
//!
//! Names and addresses go into typed headers (lettre's `Mailbox`), which refuse line breaks,
//! so a sender cannot inject headers; the message text only ever goes into the body.

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Mailbox,
}

/// What the contact form sent.
pub struct ContactMail<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub body: &'a str,
}

impl Mailer {
    /// `smtp_url` in lettre's format: `smtps://user:password@host` (TLS, port 465),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), or plain `smtp://host:25`
    /// (unencrypted: only for a relay on the same machine or network).
    pub fn new(smtp_url: &str, to: &str, from: Option<&str>) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("SMTP_URL is not a usable SMTP address ({e})"))?
            .timeout(Some(std::time::Duration::from_secs(10)))
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
        })
    }

    pub async fn send(&self, mail: &ContactMail<'_>) -> Result<(), String> {
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
        let message = Message::builder()
            .from(self.from.clone())
            .to(self.to.clone())
            .reply_to(reply_to)
            .subject(format!(
                "Blog contact from {}",
                mail.name.replace(['\r', '\n'], " ")
            ))
            .header(ContentType::TEXT_PLAIN)
            .body(format!(
                "Name: {}\nEmail: {}\nPhone: {}\n\n{}\n",
                mail.name, mail.email, phone, mail.body
            ))
            .map_err(|e| format!("building the mail: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("sending the mail: {e}"))
    }
}
