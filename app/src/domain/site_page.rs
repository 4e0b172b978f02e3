//! Standalone pages (About, Colophon, …): what readers, the navigation and the admin see.

use serde::{Deserialize, Serialize};

/// A page in the navigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavLink {
    pub slug: String,
    pub title: String,
}

/// A page as readers see it: its body rendered and sanitized on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SitePage {
    pub slug: String,
    pub title: String,
    pub body_html: String,
}

/// A page in the admin's list, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageListing {
    pub slug: String,
    pub title: String,
    pub in_nav: bool,
}

/// A page's fields as its editor shows them (empty for a new page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageDraft {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub in_nav: bool,
}
