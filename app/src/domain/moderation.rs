//! Comment moderation: what state a comment is in, who sees it, and what the admin may do
//! with it.

use serde::{Deserialize, Serialize};

use super::CommentView;

/// Where a comment stands. Stored as text (`visible` / `hidden` / `pending`); the database
/// refuses any other value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommentStatus {
    /// Everyone sees it.
    Visible,
    /// The admin hid it: only the admin sees it.
    Hidden,
    /// Held until the admin approves it: only the admin and its author see it.
    Pending,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Visible => "visible",
            CommentStatus::Hidden => "hidden",
            CommentStatus::Pending => "pending",
        }
    }

    pub fn parse(raw: &str) -> Option<CommentStatus> {
        match raw {
            "visible" => Some(CommentStatus::Visible),
            "hidden" => Some(CommentStatus::Hidden),
            "pending" => Some(CommentStatus::Pending),
            _ => None,
        }
    }

    /// The status a new comment gets: held for approval while the admin asks for it — except
    /// the admin's own, which there is no one else to approve.
    pub fn for_new_comment(hold_for_approval: bool, by_admin: bool) -> CommentStatus {
        if hold_for_approval && !by_admin {
            CommentStatus::Pending
        } else {
            CommentStatus::Visible
        }
    }

    /// Whether a reader sees a comment in this status: `is_author` when they wrote it. The
    /// SQL of `db::comments::page_for_post` applies the same rule (and a test holds them together).
    pub fn shown_to(self, is_author: bool, is_admin: bool) -> bool {
        match self {
            CommentStatus::Visible => true,
            CommentStatus::Pending => is_admin || is_author,
            CommentStatus::Hidden => is_admin,
        }
    }
}

/// What the admin does to a comment (the delete button is apart: it is also its author's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModerationAction {
    /// Take a visible or pending comment off the page.
    Hide,
    /// Put a hidden comment back.
    Show,
    /// Publish a comment held for approval.
    Approve,
}

impl ModerationAction {
    /// Parses the `action` field of the moderation forms: `hide`, `show` or `approve`.
    pub fn parse(raw: &str) -> Result<ModerationAction, String> {
        match raw.trim() {
            "hide" => Ok(ModerationAction::Hide),
            "show" => Ok(ModerationAction::Show),
            "approve" => Ok(ModerationAction::Approve),
            _ => Err("Choose hide, show or approve.".into()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Hide => "hide",
            ModerationAction::Show => "show",
            ModerationAction::Approve => "approve",
        }
    }

    /// The status the comment ends in.
    pub fn target(self) -> CommentStatus {
        match self {
            ModerationAction::Hide => CommentStatus::Hidden,
            ModerationAction::Show | ModerationAction::Approve => CommentStatus::Visible,
        }
    }

    /// The statuses this action applies to. Each includes its own target, so doing it twice
    /// (two tabs, a double click) is no error. "Show" does not publish a held comment and
    /// "approve" does not bring back a hidden one: a button from a stale page must not undo
    /// a decision taken since.
    pub fn applies_to(self) -> &'static [CommentStatus] {
        use CommentStatus::*;
        match self {
            ModerationAction::Hide => &[Visible, Pending, Hidden],
            ModerationAction::Show => &[Hidden, Visible],
            ModerationAction::Approve => &[Pending, Visible],
        }
    }

    /// The actions offered for a comment in `status`, in the order the buttons appear.
    pub fn offered_for(status: CommentStatus) -> &'static [ModerationAction] {
        match status {
            CommentStatus::Visible => &[ModerationAction::Hide],
            CommentStatus::Hidden => &[ModerationAction::Show],
            CommentStatus::Pending => &[ModerationAction::Approve, ModerationAction::Hide],
        }
    }
}

/// The name of the honeypot field in the comment, contact and registration forms: a field
/// people never see, so never fill, and that form-filling bots do.
pub const HONEYPOT_FIELD: &str = "website";

/// Whether a submission filled the honeypot, i.e. came from a bot.
pub fn filled_honeypot(value: &str) -> bool {
    !value.trim().is_empty()
}

/// A hidden or pending comment in the admin's moderation queue, with its post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedComment {
    pub post_slug: String,
    pub post_title: String,
    pub comment: CommentView,
}

/// The admin's moderation page: the queue and the "hold for approval" setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationQueue {
    pub hold_for_approval: bool,
    /// Newest first.
    pub comments: Vec<QueuedComment>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommentStatus::*;

    #[test]
    fn statuses_round_trip_through_their_stored_names() {
        for status in [Visible, Hidden, Pending] {
            assert_eq!(CommentStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(CommentStatus::parse("Visible"), None);
        assert_eq!(CommentStatus::parse(""), None);
    }

    #[test]
    fn only_readers_comments_are_held_and_only_when_asked() {
        assert_eq!(CommentStatus::for_new_comment(false, false), Visible);
        assert_eq!(CommentStatus::for_new_comment(true, false), Pending);
        assert_eq!(CommentStatus::for_new_comment(true, true), Visible);
        assert_eq!(CommentStatus::for_new_comment(false, true), Visible);
    }

    #[test]
    fn visitors_see_visible_comments_authors_their_pending_ones_the_admin_all() {
        // (status, is_author, is_admin, shown)
        for (status, author, admin, shown) in [
            (Visible, false, false, true),
            (Hidden, false, false, false),
            (Pending, false, false, false),
            (Hidden, true, false, false),
            (Pending, true, false, true),
            (Hidden, false, true, true),
            (Pending, false, true, true),
        ] {
            assert_eq!(
                status.shown_to(author, admin),
                shown,
                "{status:?} author={author} admin={admin}"
            );
        }
    }

    #[test]
    fn actions_parse_from_the_form_and_nothing_else() {
        for action in [
            ModerationAction::Hide,
            ModerationAction::Show,
            ModerationAction::Approve,
        ] {
            assert_eq!(ModerationAction::parse(action.as_str()), Ok(action));
        }
        for bad in ["", "delete", "HIDE", "hidden", "visible"] {
            assert!(ModerationAction::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn actions_are_idempotent_but_never_undo_another_decision() {
        for action in [
            ModerationAction::Hide,
            ModerationAction::Show,
            ModerationAction::Approve,
        ] {
            assert!(action.applies_to().contains(&action.target()), "{action:?}");
        }
        assert!(!ModerationAction::Show.applies_to().contains(&Pending));
        assert!(!ModerationAction::Approve.applies_to().contains(&Hidden));
        assert!(ModerationAction::Hide.applies_to().contains(&Pending));
    }

    #[test]
    fn every_offered_action_applies_and_changes_something() {
        for status in [Visible, Hidden, Pending] {
            for action in ModerationAction::offered_for(status) {
                assert!(
                    action.applies_to().contains(&status),
                    "{action:?} on {status:?}"
                );
                assert_ne!(action.target(), status, "{action:?} on {status:?}");
            }
        }
    }

    #[test]
    fn only_a_filled_honeypot_marks_a_bot() {
        assert!(!filled_honeypot(""));
        assert!(!filled_honeypot("  \n"));
        assert!(filled_honeypot("https://spam.example"));
    }
}
