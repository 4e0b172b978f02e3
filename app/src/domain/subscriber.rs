//! Subscribers: addresses that get each new post by mail, once they confirm a link.

use serde::{Deserialize, Serialize};

/// What the subscribe form answers once sent, whatever the address's state: it never says
/// whether the address was subscribed already.
pub const SUBSCRIBE_SENT: &str =
    "Almost there: a link is on its way to that address. Open it to confirm, and new posts will follow.";

/// Where a subscriber stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubscriberStatus {
    /// A confirmation link is out; nothing else is sent until it is opened.
    Pending,
    Confirmed,
    Unsubscribed,
    /// The SMTP server refused the address too many times in a row: no longer mailed.
    Bouncing,
}

impl SubscriberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriberStatus::Pending => "pending",
            SubscriberStatus::Confirmed => "confirmed",
            SubscriberStatus::Unsubscribed => "unsubscribed",
            SubscriberStatus::Bouncing => "bouncing",
        }
    }

    pub fn parse(raw: &str) -> Option<SubscriberStatus> {
        [
            SubscriberStatus::Pending,
            SubscriberStatus::Confirmed,
            SubscriberStatus::Unsubscribed,
            SubscriberStatus::Bouncing,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

/// The subscribe form as a page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeOffer {
    /// Whether this blog can mail (SMTP and a public URL are configured).
    pub available: bool,
    /// The logged-in reader's address, filled in for them.
    pub email: Option<String>,
}

/// What an unsubscribe link's page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeView {
    /// The address, partly hidden (`a•••@example.com`): the link may have been forwarded.
    pub masked_email: String,
    pub subscribed: bool,
}

/// One subscriber in the admin's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberRow {
    pub id: i64,
    pub email: String,
    pub status: SubscriberStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The admin's subscribers page: how many in each state, and a page of the list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberListing {
    pub confirmed: i64,
    pub pending: i64,
    pub unsubscribed: i64,
    pub bouncing: i64,
    /// The addresses matching the search, newest first, a page of them.
    pub rows: Vec<SubscriberRow>,
    /// Whether more match than this page shows.
    pub more: bool,
}

/// Subscribers per page of the admin's list.
pub const SUBSCRIBERS_PER_PAGE: u32 = 50;

/// `ada@example.com` as `a•••@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_addresses_are_masked() {
        for s in ["pending", "confirmed", "unsubscribed", "bouncing"] {
            assert_eq!(SubscriberStatus::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(SubscriberStatus::parse("Confirmed"), None);
        assert_eq!(mask_email("ada@example.com"), "a•••@example.com");
        assert_eq!(mask_email("édith@example.com"), "é•••@example.com");
        assert_eq!(mask_email("nonsense"), "•••");
    }
}
