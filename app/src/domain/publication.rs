//! When a post is shown to readers: now, never yet (a draft), or from a set time (scheduled).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the editor asks for. `Published` keeps an already published post's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    Published,
    Draft,
    Scheduled(DateTime<Utc>),
}

/// The editor's `datetime-local` format, read as UTC.
const PUBLISH_AT_FORMAT: &str = "%Y-%m-%dT%H:%M";

impl Publication {
    /// From the editor's "status" (`published`, `draft`, `scheduled`; empty means
    /// `published`, as older clients send nothing) and "publish_at" fields.
    pub fn parse(status: &str, publish_at: &str) -> Result<Self, String> {
        match status.trim() {
            "" | "published" => Ok(Publication::Published),
            "draft" => Ok(Publication::Draft),
            "scheduled" => parse_publish_at(publish_at).map(Publication::Scheduled),
            _ => Err("Choose published, draft or scheduled.".into()),
        }
    }
}

/// `2026-12-24T18:00` (seconds allowed), in UTC.
pub fn parse_publish_at(raw: &str) -> Result<DateTime<Utc>, String> {
    let raw = raw.trim();
    let parsed = NaiveDateTime::parse_from_str(raw, PUBLISH_AT_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"));
    match parsed {
        Ok(at) => Ok(at.and_utc()),
        Err(_) if raw.is_empty() => Err("Choose when to publish it.".into()),
        Err(_) => Err("Give a date and time, like 2026-12-24T18:00 (UTC).".into()),
    }
}

pub fn format_publish_at(at: DateTime<Utc>) -> String {
    at.format(PUBLISH_AT_FORMAT).to_string()
}

/// Where a stored post stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostStatus {
    Published,
    Draft,
    Scheduled,
}

impl PostStatus {
    pub fn of(published_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        match published_at {
            None => PostStatus::Draft,
            Some(at) if at > now => PostStatus::Scheduled,
            Some(_) => PostStatus::Published,
        }
    }

    /// The editor's value for it.
    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Published => "published",
            PostStatus::Draft => "draft",
            PostStatus::Scheduled => "scheduled",
        }
    }
}

/// When something was saved, for people: "6 Dec 2026, 21:40 UTC" (a revision, a draft
/// copy, the save that made another one stale).
pub fn format_saved_at(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_and_a_schedule_needs_a_time() {
        assert_eq!(Publication::parse("", ""), Ok(Publication::Published));
        assert_eq!(Publication::parse("draft", "junk"), Ok(Publication::Draft));
        let at = Publication::parse("scheduled", "2026-12-24T18:00").unwrap();
        assert_eq!(
            at,
            Publication::Scheduled("2026-12-24T18:00:00Z".parse().unwrap())
        );
        assert!(Publication::parse("scheduled", "").is_err());
        assert!(Publication::parse("scheduled", "24/12/2026").is_err());
        assert!(Publication::parse("later", "").is_err());
    }

    #[test]
    fn status_follows_the_clock() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(PostStatus::of(None, now), PostStatus::Draft);
        assert_eq!(
            PostStatus::of(Some(now + chrono::TimeDelta::seconds(1)), now),
            PostStatus::Scheduled
        );
        assert_eq!(PostStatus::of(Some(now), now), PostStatus::Published);
        assert_eq!(format_publish_at(now), "2026-01-01T00:00");
    }
}
