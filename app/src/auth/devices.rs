//! What a logged-in session records about itself for its owner's list of sessions: kept in
//! the session's own data (so noting it costs no query of its own) and copied by the session
//! store into `session_devices` whenever the session is saved (see `store.rs`).

use chrono::{DateTime, TimeDelta, Utc};
use tower_sessions::Session;

/// The key of a session's [`Device`] in its data.
pub const KEY: &str = "quire.device";

/// How stale "last seen" may get: a session notes a request at most this often, so most
/// requests write nothing.
const SEEN_EVERY: TimeDelta = TimeDelta::minutes(5);

pub use crate::domain::SessionDevice as Device;

/// A session beginning now for `user_id` — or, when this browser's session was already
/// theirs (a password change renews it), that one going on under its old handle.
pub fn begin(
    earlier: Option<Device>,
    user_id: i64,
    user_agent: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Device {
    let (handle, created_at) = match earlier {
        Some(d) if d.user_id == user_id => (d.handle, d.created_at),
        _ => (new_handle(), now),
    };
    Device {
        user_id,
        handle,
        created_at,
        seen_at: now,
        browser: browser_family(user_agent),
        address: address.to_owned(),
    }
}

fn new_handle() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// This session's device, if it is a logged-in one.
pub async fn current(session: &Session) -> Option<Device> {
    session.get::<Device>(KEY).await.ok().flatten()
}

/// Notes a request of a logged-in session, when the last note is older than [`SEEN_EVERY`]:
/// the session is then saved (which also pushes its idle expiry back).
pub async fn note_request(session: &Session, now: DateTime<Utc>) {
    let Some(mut device) = current(session).await else {
        return;
    };
    if now - device.seen_at < SEEN_EVERY {
        return;
    }
    device.seen_at = now;
    if let Err(e) = session.insert(KEY, device).await {
        tracing::warn!(error = %e, "could not note a session's activity");
    }
}

/// "Firefox on Linux", from a User-Agent. Hand-written because only the family is shown: a
/// full User-Agent database (uap-core's regexes) would be most of a megabyte for two words.
pub fn browser_family(user_agent: &str) -> String {
    let ua = user_agent;
    // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari" too.
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => format!("A browser on {s}"),
        (None, None) => "An unknown browser".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_by_family() {
        for (ua, family) in [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.6778.81 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            ("", "An unknown browser"),
        ] {
            assert_eq!(browser_family(ua), family, "{ua}");
        }
    }

    #[test]
    fn a_renewed_session_keeps_its_handle_and_beginning_but_not_another_users() {
        let then = Utc::now() - TimeDelta::days(2);
        let first = begin(None, 7, "", "10.0.0.1", then);
        let now = Utc::now();
        let renewed = begin(Some(first.clone()), 7, "", "10.0.0.2", now);
        assert_eq!((&renewed.handle, renewed.created_at), (&first.handle, then));
        assert_eq!(
            (renewed.seen_at, renewed.address.as_str()),
            (now, "10.0.0.2")
        );
        let other = begin(Some(first.clone()), 8, "", "10.0.0.1", now);
        assert_ne!(other.handle, first.handle);
        assert_eq!(other.created_at, now);
    }
}
