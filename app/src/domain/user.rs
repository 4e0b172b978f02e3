use serde::{Deserialize, Serialize};

/// What a user may do. Stored as text (`admin`, `editor`, `author`, `contributor`,
/// `reader`); what each may do is [`Role::can`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Editor,
    Author,
    Contributor,
    Reader,
}

/// Something only some roles may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Open the editor: write posts of one's own, and edit them while one may.
    Write,
    /// Put one's own posts out (now or scheduled), and edit them once out.
    Publish,
    /// Edit, publish and delete anyone's post, see every draft, and mail the subscribers.
    EditOthers,
    /// Hide, show and delete anyone's comments, and hold new ones for review.
    Moderate,
    /// People, invites, the site's settings, subscribers and messages.
    Manage,
}

impl Role {
    /// Every role, most powerful first (the order of the admin's role menus).
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Editor,
        Role::Author,
        Role::Contributor,
        Role::Reader,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Author => "author",
            Role::Contributor => "contributor",
            Role::Reader => "reader",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// The role's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Editor => "Editor",
            Role::Author => "Author",
            Role::Contributor => "Contributor",
            Role::Reader => "Reader",
        }
    }

    /// What the role may do, in a sentence (the admin's people page and the invite form).
    pub fn describe(self) -> &'static str {
        match self {
            Role::Admin => "everything, people and settings included",
            Role::Editor => "edit, publish and delete any post, and moderate comments",
            Role::Author => "write and publish their own posts",
            Role::Contributor => "write drafts and submit them for review; cannot publish",
            Role::Reader => "read and comment",
        }
    }

    pub fn can(self, capability: Capability) -> bool {
        use Capability::*;
        match self {
            Role::Admin => true,
            Role::Editor => matches!(capability, Write | Publish | EditOthers | Moderate),
            Role::Author => matches!(capability, Write | Publish),
            Role::Contributor => capability == Write,
            Role::Reader => false,
        }
    }

    /// The more powerful of two roles (an invitation never lowers an account's role).
    pub fn higher(a: Role, b: Role) -> Role {
        let rank = |role| Role::ALL.iter().position(|&r| r == role);
        if rank(a) <= rank(b) {
            a
        } else {
            b
        }
    }

    /// Anything above a reader: the roles `QUIRE_ADMIN_2FA=required` applies to.
    pub fn is_staff(self) -> bool {
        self.can(Capability::Write)
    }
}

/// A post as far as who may change it goes.
#[derive(Debug, Clone, Copy)]
pub struct PostOwnership<'a> {
    pub author_id: i64,
    pub coauthor_ids: &'a [i64],
    /// Out, or scheduled to be: a contributor's hands are off it then.
    pub published: bool,
}

impl PostOwnership<'_> {
    fn is_by(&self, user_id: i64) -> bool {
        self.author_id == user_id || self.coauthor_ids.contains(&user_id)
    }
}

/// Whether `role` (user `user_id`) may edit, or delete, the post: editors and admins any;
/// authors their own (as author or co-author); contributors their own until it is out.
pub fn may_change_post(role: Role, user_id: i64, post: &PostOwnership<'_>) -> bool {
    if role.can(Capability::EditOthers) {
        return true;
    }
    if !role.can(Capability::Write) || !post.is_by(user_id) {
        return false;
    }
    role.can(Capability::Publish) || !post.published
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse(""), None);
        assert_eq!(Role::higher(Role::Author, Role::Editor), Role::Editor);
        assert_eq!(Role::higher(Role::Admin, Role::Contributor), Role::Admin);
    }

    #[test]
    fn each_role_has_what_the_one_below_has_and_more() {
        use Capability::*;
        let table = [
            (Role::Admin, [true, true, true, true, true]),
            (Role::Editor, [true, true, true, true, false]),
            (Role::Author, [true, true, false, false, false]),
            (Role::Contributor, [true, false, false, false, false]),
            (Role::Reader, [false, false, false, false, false]),
        ];
        for (role, expected) in table {
            let got = [Write, Publish, EditOthers, Moderate, Manage].map(|c| role.can(c));
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn posts_are_changed_by_their_people_and_by_editors() {
        let draft = PostOwnership {
            author_id: 1,
            coauthor_ids: &[2],
            published: false,
        };
        let out = PostOwnership {
            published: true,
            ..draft
        };
        for post in [draft, out] {
            assert!(may_change_post(Role::Editor, 9, &post));
            assert!(may_change_post(Role::Admin, 9, &post));
            assert!(may_change_post(Role::Author, 1, &post));
            assert!(may_change_post(Role::Author, 2, &post), "a co-author");
            assert!(!may_change_post(Role::Author, 9, &post), "someone else's");
            assert!(!may_change_post(Role::Reader, 1, &post), "a demoted author");
            assert!(!may_change_post(Role::Contributor, 9, &post));
        }
        assert!(may_change_post(Role::Contributor, 1, &draft));
        assert!(
            !may_change_post(Role::Contributor, 1, &out),
            "once out, a contributor's post is the editors'"
        );
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
