use serde::{Deserialize, Serialize};

use super::Role;

/// The message the original blog gave for an email that already has an account.
pub const ALREADY_REGISTERED: &str = "You've already signed up with that email, log in instead!";

/// What a request for a password-reset link is told, whether an account has the address or
/// not.
pub const LINK_SENT: &str =
    "If an account exists for that address, we sent a link to it. The link works for 30 minutes.";
/// What the forgot-password page says when the blog cannot send mail.
pub const NEEDS_MAIL: &str = "Password resets by email need the blog's mail settings and its \
     public address, which are not set up. The blog's admin can reset your password for you.";
/// A reset link that is expired, used, replaced by a newer one, or never was.
pub const LINK_DEAD: &str = "This reset link does not work any more: links work once, for 30 \
     minutes, and only the newest one. Ask for a new one.";

/// An email address: trimmed, lowercased (so `Ann@X.org` and `ann@x.org` are one account),
/// with one `@`, a dot in the domain and at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your email address.".into());
        }
        let valid = email.chars().count() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && match email.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && local.len() <= 64
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                }
                None => false,
            };
        if valid {
            Ok(Email(email))
        } else {
            Err("Enter an email address like name@example.com.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserName(String);

impl UserName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter your name.".into());
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "Keep your name to {} characters or fewer.",
                Self::MAX_CHARS
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("Your name cannot contain control characters.".into());
        }
        Ok(UserName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8 to 128 characters, taken exactly as typed (never trimmed or cut), and
/// not one of the passwords attackers try first. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(format!("Use at least {} characters.", Self::MIN_CHARS));
        }
        if chars > Self::MAX_CHARS {
            return Err(format!("Use at most {} characters.", Self::MAX_CHARS));
        }
        if super::common_passwords::is_common(raw) {
            return Err("That password is one of the most common ones. Choose another.".into());
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(****)")
    }
}

/// The logged-in user, as the browser may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn can(&self, capability: super::Capability) -> bool {
        self.role.can(capability)
    }
}

/// A row of the admin's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListing {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Whether the account proved its address (see `service::verification`).
    pub email_verified: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ann@Example.ORG ").unwrap().as_str(),
            "ann@example.org"
        );
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        for bad in [
            "",
            "ann",
            "@example.org",
            "ann@",
            "ann@localhost",
            "a b@x.org",
            "a@b@x.org",
            "ann@.org",
            "ann@x..org",
            "ann@x.org.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Email::parse(&format!("{}@x.org", "a".repeat(65))).is_err());
        assert!(Email::parse("first.last+tag@sub.example.co.uk").is_ok());
    }

    #[test]
    fn names_are_trimmed_and_limited() {
        assert_eq!(UserName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(UserName::parse("   ").is_err());
        assert!(UserName::parse(&"x".repeat(101)).is_err());
        assert!(UserName::parse("tab\there").is_err());
    }

    #[test]
    fn passwords_are_kept_exactly_as_typed() {
        let p = Password::parse("  spaced out passphrase  ").unwrap();
        assert_eq!(p.expose(), "  spaced out passphrase  ");
    }

    #[test]
    fn password_length_counts_characters_and_is_never_truncated() {
        assert!(Password::parse("short1!").is_err());
        assert!(Password::parse("éééééééé").is_ok());
        assert!(Password::parse(&"z".repeat(128)).is_ok());
        assert!(Password::parse(&"z".repeat(129)).is_err());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for common in [
            "password",
            "Password1",
            "12345678",
            "qwertyuiop",
            "iloveyou",
            "PASSWORD123",
        ] {
            assert!(Password::parse(common).is_err(), "{common}");
        }
        assert!(Password::parse("correct horse battery staple").is_ok());
    }

    #[test]
    fn password_debug_hides_it() {
        let p = Password::parse("s3cret-passw0rd!").unwrap();
        assert!(!format!("{p:?}").contains("s3cret"));
    }
}

/// Two-factor sign-in as the account page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoFactor {
    /// Off. `required`: the blog asks this account (an admin) to turn it on.
    Off { required: bool },
    /// Set up, waiting for a first code: the secret as text and as a QR code (SVG drawn by
    /// the server) for the owner's authenticator app.
    Enrolling { secret: String, qr_svg: String },
    /// On, with this many unused recovery codes.
    On { codes_left: i64 },
}

/// The account page's two-factor section: its state, and recovery codes just made, shown
/// this once (empty on every later view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorPanel {
    pub state: TwoFactor,
    pub new_codes: Vec<String>,
}

/// One of the account's logged-in sessions, as its account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// What ending it names it by (not the session id, which stays the cookie's secret).
    pub handle: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    /// "Firefox on Linux".
    pub browser: String,
    pub address: String,
    /// The session of the browser looking at the list.
    pub current: bool,
}

/// Whether the blog verifies addresses, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailVerification {
    On,
    /// It needs the blog's mail settings and public address.
    OffWithoutMail,
    /// `QUIRE_VERIFY_EMAIL=off`.
    OffBySetting,
}

/// The account page's email section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEmail {
    pub email: String,
    pub verified: bool,
    /// The address a change waits to be confirmed by, if one is under way.
    pub changing_to: Option<String>,
    pub mode: EmailVerification,
}

/// What a logged-in session records about itself, for its owner's list of sessions (see
/// `auth::devices`): kept in the session's data, copied to `session_devices` when it is saved.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDevice {
    pub user_id: i64,
    /// What the account page names the session by (never its id, the cookie's secret).
    pub handle: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub seen_at: chrono::DateTime<chrono::Utc>,
    pub browser: String,
    pub address: String,
}
