//! What the server shares with every request: handed to server functions as Leptos context
//! and to axum handlers as router state. No globals, so tests can build many apps.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::db::Db;

/// Settings of the blog that pages and server functions need.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// Posts on one page of the home page.
    pub page_size: u32,
    /// The only email that becomes admin when it registers (`ADMIN_EMAIL`). When unset, the
    /// first account on a blog without an admin does.
    pub admin_email: Option<String>,
    /// Take the client address from the last `X-Forwarded-For` entry (set only behind a
    /// proxy that writes it, or clients could pick their own address to dodge rate limits).
    pub trust_forwarded_for: bool,
    /// New accounts allowed per client address per hour.
    pub registrations_per_hour: u32,
    /// Comments one reader may post per hour before having to wait.
    pub comments_per_hour: u32,
    /// The blog's public address (`QUIRE_PUBLIC_URL`, no trailing slash), for the absolute
    /// links of feeds, the sitemap and canonical URLs.
    pub public_url: Option<String>,
    /// Comment avatars from Gravatar (`QUIRE_GRAVATAR`): readers' browsers then ask
    /// gravatar.com for a hash of each commenter's email. Off, avatars are the name's initial,
    /// drawn by the page itself.
    pub gravatar: bool,
    /// Admins must use two-factor sign-in (`QUIRE_ADMIN_2FA=required`): until they turn it
    /// on, they can do only what readers can.
    pub admin_two_factor: bool,
    /// New accounts confirm their address before commenting (`QUIRE_VERIFY_EMAIL`), when
    /// the blog can mail (see `service::verification::mode`).
    pub verify_email: bool,
    /// How many of its newest revisions each post keeps (`QUIRE_REVISIONS_KEPT`).
    pub revisions_kept: u32,
    /// Pages are rendered for `quire export-static`, without what needs the server (see
    /// `components::static_export`).
    pub static_export: bool,
}

impl SiteSettings {
    /// The address links are made absolute with: the configured public URL, else the
    /// request's own host (when it is a plain host name), else localhost.
    pub fn base_url(&self, host: Option<&str>) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let plain = |h: &&str| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        };
        match host.filter(plain) {
            Some(host) => format!("http://{host}"),
            None => "http://localhost".to_owned(),
        }
    }
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            page_size: 10,
            admin_email: None,
            trust_forwarded_for: false,
            registrations_per_hour: 5,
            comments_per_hour: 30,
            public_url: None,
            gravatar: false,
            admin_two_factor: false,
            verify_email: true,
            revisions_kept: 50,
            static_export: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub site: Arc<SiteSettings>,
    /// Mails contact messages when SMTP is configured.
    pub mailer: Option<Arc<crate::mail::Mailer>>,
    /// The database's versions as of each request (what in-memory copies are checked
    /// against: the page cache, sessions, the navigation's pages).
    pub freshness: Arc<crate::freshness::Freshness>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_use_the_public_url_else_a_plain_request_host() {
        let configured = SiteSettings {
            public_url: Some("https://blog.example.com".into()),
            ..SiteSettings::default()
        };
        assert_eq!(
            configured.base_url(Some("evil.example")),
            "https://blog.example.com"
        );
        let plain = SiteSettings::default();
        assert_eq!(
            plain.base_url(Some("127.0.0.1:3000")),
            "http://127.0.0.1:3000"
        );
        for hostile in ["a\"b", "x/y", "<script>", "a b", ""] {
            assert_eq!(
                plain.base_url(Some(hostile)),
                "http://localhost",
                "{hostile}"
            );
        }
        assert_eq!(plain.base_url(None), "http://localhost");
    }
}
