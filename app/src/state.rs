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
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            page_size: 10,
            admin_email: None,
            trust_forwarded_for: false,
            registrations_per_hour: 5,
            comments_per_hour: 30,
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
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
