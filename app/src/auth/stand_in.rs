//! A reader who does not exist, for rendering a page once for every logged-in reader.
//!
//! A reader's view of the public pages differs from anyone else's only by their name and
//! address (the header, the subscribe form) and by their own comments (see `quire`'s page
//! cache). The page cache renders such a page once as this stand-in, then puts each reader's
//! name and address where the stand-in's are. Its name, address and id are random per
//! process, so no content can spell them, and the cache refuses a rendering where the id
//! shows, or the name or address show anywhere but as an element's text or an attribute's
//! value.

use crate::domain::{Role, SessionUser};

pub struct StandIn {
    user: SessionUser,
    id_text: String,
}

impl StandIn {
    pub fn new() -> StandIn {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let random = || {
            let mut bytes = [0u8; 16];
            OsRng.fill_bytes(&mut bytes);
            format!("stand-in-{}", hex::encode(bytes))
        };
        let (name, mailbox) = (random(), random());
        // Negative, so it is no account's id; sixteen digits, so no page shows it by chance.
        let id = -1_000_000_000_000_000 - (OsRng.next_u64() % 8_000_000_000_000_000) as i64;
        let user = SessionUser::new(
            id,
            name,
            format!("{mailbox}@stand-in.invalid"),
            Role::Reader,
            String::new(),
            None,
        );
        StandIn {
            user,
            id_text: id.to_string(),
        }
    }

    /// The stand-in as the session's user.
    pub fn user(&self) -> SessionUser {
        self.user.clone()
    }

    pub fn name(&self) -> &str {
        &self.user.name
    }

    pub fn email(&self) -> &str {
        &self.user.email
    }

    /// What must not show on a page rendered for the stand-in: it would be the reader's own
    /// id, which the cache does not fill in.
    pub fn id_text(&self) -> &str {
        &self.id_text
    }
}

impl Default for StandIn {
    fn default() -> Self {
        StandIn::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_differ_and_are_no_account() {
        let (a, b) = (StandIn::new(), StandIn::new());
        assert_ne!(a.name(), b.name());
        assert!(a.user().id < -999_999_999_999_999);
        assert_eq!(a.user().role, Role::Reader);
        assert!(a.email().ends_with("@stand-in.invalid"));
        assert!(!a.email().starts_with(a.name()), "neither holds the other");
        assert_eq!(a.id_text(), a.user().id.to_string());
    }
}
