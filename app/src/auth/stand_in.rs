//! A reader who does not exist, for rendering a page once for every logged-in reader.
//!
//! A reader's view of the public pages differs from anyone else's only by their name in the
//! header and by their own comments (see `quire`'s page cache). The page cache renders such a
//! page once as this stand-in, then puts each reader's name where the stand-in's is. Its name,
//! address and id are random per process, so no content can spell them, and the cache refuses
//! a rendering where the address or id show, or the name shows anywhere but as an element's
//! text.

use crate::domain::{Role, SessionUser};

pub struct StandIn {
    user: SessionUser,
    id_text: String,
}

impl StandIn {
    pub fn new() -> StandIn {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        let name = format!("stand-in-{}", hex::encode(bytes));
        // Negative, so it is no account's id; sixteen digits, so no page shows it by chance.
        let id = -1_000_000_000_000_000 - (OsRng.next_u64() % 8_000_000_000_000_000) as i64;
        let user = SessionUser::new(
            id,
            name.clone(),
            format!("{name}@stand-in.invalid"),
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

    /// What must not show on a page rendered for the stand-in: it would be the reader's own
    /// address or id, which the cache does not fill in.
    pub fn must_not_show(&self) -> [&str; 2] {
        [&self.user.email, &self.id_text]
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
        assert!(a.must_not_show()[0].ends_with("@stand-in.invalid"));
        assert_eq!(a.must_not_show()[1], a.user().id.to_string());
    }
}
