use serde::{Deserialize, Serialize};

/// What a user may do. Stored as text (`admin` / `reader`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Reader,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reader => "reader",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "admin" => Some(Role::Admin),
            "reader" => Some(Role::Reader),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in [Role::Admin, Role::Reader] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
    }
}

/// The user a session belongs to, as the server knows them. Never sent to the browser (that
/// is [`CurrentUser`]), and its `Debug` hides the password hash.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct SessionUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    /// When two-factor sign-in was turned on; `None`: it is off.
    pub totp_since: Option<chrono::DateTime<chrono::Utc>>,
    /// What a session of this user is bound to (see [`SessionUser::session_stamp`]).
    stamp: [u8; 32],
}

#[cfg(feature = "ssr")]
impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "ssr")]
impl SessionUser {
    pub fn new(
        id: i64,
        name: String,
        email: String,
        role: Role,
        password_hash: String,
        totp_since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> SessionUser {
        let mut user = SessionUser {
            id,
            name,
            email,
            role,
            password_hash,
            totp_since,
            stamp: [0; 32],
        };
        user.restamp();
        user
    }

    /// Recomputes the session stamp after `password_hash` or `totp_since` changed.
    pub fn restamp(&mut self) {
        use sha2::{Digest, Sha256};
        let since = self.totp_since.map(|t| t.timestamp_micros().to_string());
        let mut digest = Sha256::new();
        digest.update(self.password_hash.as_bytes());
        digest.update([0x1f]);
        digest.update(since.unwrap_or_default().as_bytes());
        self.stamp = digest.finalize().into();
    }

    /// A digest of the password hash and of when two-factor sign-in was turned on: a session
    /// stays valid only while both are what they were when it began, so a new password, or
    /// two-factor turned on or off, ends the account's other sessions. A digest, so that the
    /// session store holds nothing a password could be guessed against.
    pub fn session_stamp(&self) -> &[u8] {
        &self.stamp
    }

    pub fn two_factor(&self) -> bool {
        self.totp_since.is_some()
    }

    pub fn to_current(&self) -> super::CurrentUser {
        super::CurrentUser {
            id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
        }
    }
}
