//! A post's revisions as the editor's pages show them.

use serde::{Deserialize, Serialize};

/// One kept revision in the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionSummary {
    pub number: i64,
    /// "6 Dec 2026, 21:40 UTC".
    pub saved_at: String,
    /// Who saved it, when known.
    pub saved_by: Option<String>,
    pub title: String,
}

/// A post's kept revisions, newest first; the first is the post as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionList {
    pub slug: String,
    pub title: String,
    /// The post's revision now.
    pub current: i64,
    pub revisions: Vec<RevisionSummary>,
}

/// The fields a revision keeps, as the editor shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionFields {
    pub title: String,
    pub subtitle: String,
    pub cover_url: String,
    pub tags: String,
    pub body: String,
}

/// One revision beside the post as it is now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionView {
    pub slug: String,
    pub summary: RevisionSummary,
    pub fields: RevisionFields,
    /// The post's revision now, and its fields.
    pub current: i64,
    pub current_fields: RevisionFields,
}
