//! Password-reset tokens: 256 random bits in the link, a SHA-256 of them in the database.

/// How long a reset link works.
pub const VALID_FOR: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// A token as it travels in a link: 64 lowercase hex digits. Anything else is refused
/// before the database is asked.
#[derive(Clone, PartialEq, Eq)]
pub struct ResetToken(String);

// A token is a password for 30 minutes: never in a log line.
impl std::fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetToken(…)")
    }
}

impl ResetToken {
    pub fn generate() -> ResetToken {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        ResetToken(hex::encode(bytes))
    }

    pub fn parse(raw: &str) -> Option<ResetToken> {
        let ok = raw.len() == 64 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| ResetToken(raw.to_owned()))
    }

    /// What the database keeps: a leaked table gives no working link.
    pub fn hash(&self) -> String {
        super::digest_hex(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_parse_back() {
        let a = ResetToken::generate();
        assert_ne!(a, ResetToken::generate());
        assert_eq!(ResetToken::parse(a.as_str()), Some(a.clone()));
        assert_ne!(a.hash(), a.as_str());
        assert_eq!(a.hash().len(), 64);
    }

    #[test]
    fn anything_else_is_no_token() {
        for raw in ["", "abc", &"A".repeat(64), &"g".repeat(64), &"0".repeat(65)] {
            assert_eq!(ResetToken::parse(raw), None, "{raw}");
        }
        assert!(!format!("{:?}", ResetToken::generate()).contains('0'));
    }
}
