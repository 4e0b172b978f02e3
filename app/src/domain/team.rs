//! The admin's people page and invitations, as the browser sees them.

use serde::{Deserialize, Serialize};

use super::Role;

/// How long an invitation's link works.
pub const INVITE_DAYS: i64 = 7;

/// An invitation not used yet, in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteListing {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    /// When the link stops working ("14 Dec 2026, 09:30 UTC").
    pub expires: String,
    pub expired: bool,
}

/// What inviting did: the link is mailed (`link` is `None`), or — on a blog that cannot
/// mail — shown to the admin, once, to hand over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteSent {
    pub email: String,
    pub role: Role,
    pub link: Option<String>,
}

/// An invitation's page: what it offers, and to whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub expires: String,
    /// The address of the account logged in here, if any.
    pub signed_in_as: Option<String>,
    /// Whether an account has the invited address (it logs in to accept).
    pub account_exists: bool,
}

pub const INVITE_USED: &str =
    "This invitation was used already. Log in with the account it made, or ask for a new one.";
pub const INVITE_GONE: &str =
    "There is no such invitation: it was withdrawn, or the link is incomplete. Ask for a new one.";
