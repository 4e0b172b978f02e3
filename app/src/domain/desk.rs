//! The writers' list of posts ("Posts" in the team's menu).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskPost {
    pub slug: String,
    pub title: String,
    pub author: String,
    /// "Submitted for review", "Draft", "Scheduled for …" or "Published".
    pub status: String,
    /// Submitted for review, and the caller may publish it: it waits for them.
    pub awaits_review: bool,
    pub saved: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desk {
    pub posts: Vec<DeskPost>,
    /// Everyone's posts (an editor's or admin's list), else the caller's own.
    pub everyone: bool,
    /// The list stopped at its limit.
    pub truncated: bool,
}
