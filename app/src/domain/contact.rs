use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An optional phone number: at most 40 characters of digits, spaces and `+ ( ) - .`.
pub fn parse_phone(raw: &str) -> Result<String, String> {
    let phone = raw.trim();
    if phone.chars().count() > 40 {
        return Err("Keep the phone number to 40 characters or fewer.".into());
    }
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-.".contains(c))
    {
        return Err("Use only digits, spaces and + ( ) - . in the phone number.".into());
    }
    Ok(phone.to_owned())
}

/// A contact message: required, at most 5,000 characters.
pub fn parse_message(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Write a message first.".into());
    }
    if text.chars().count() > 5000 {
        return Err("Keep the message to 5,000 characters or fewer.".into());
    }
    super::post::check_text_characters(text)?;
    Ok(text.to_owned())
}

/// The About page: rendered text, and its source for the admin's editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AboutView {
    pub html: String,
    /// Only for the admin.
    pub source: Option<String>,
}

/// A contact message in the admin's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
    pub mailed: bool,
    /// Why the mail forwarding it has not gone out yet, when a try failed.
    pub mail_error: Option<String>,
}

/// A mail of any kind the SMTP server has not taken yet, after at least one try.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsentMail {
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    /// Tried as often as it will be: it stays unsent until the admin acts.
    pub given_up: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_optional_and_plain() {
        assert_eq!(parse_phone("  ").unwrap(), "");
        assert_eq!(
            parse_phone(" +44 (0)20 7946-0958 ").unwrap(),
            "+44 (0)20 7946-0958"
        );
        assert!(parse_phone("call me\r\nBcc: x@y.z").is_err());
        assert!(parse_phone(&"1".repeat(41)).is_err());
    }

    #[test]
    fn messages_are_required_and_limited() {
        assert!(parse_message(" \n ").is_err());
        assert!(parse_message(&"x".repeat(5001)).is_err());
        assert_eq!(parse_message(" hi ").unwrap(), "hi");
    }
}
