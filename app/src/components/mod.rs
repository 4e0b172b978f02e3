//! Building blocks shared by pages.

/// The script every page carries inline (see `shell`).
pub const PAGE_SCRIPT: &str = include_str!("page_script.js");

#[cfg(feature = "ssr")]
use leptos::prelude::use_context;

mod autosave;
mod byline;
mod comment;
mod difference;
mod form;
mod image_upload;
mod layout;
mod post_list;
mod post_meta;
mod subscribe;
mod theme_toggle;
mod title;

pub use autosave::Autosave;
pub use byline::Byline;
pub use comment::{Comment, CommentActions};
pub use difference::{Difference, Versions};
pub use form::{last_error, textarea_text, Field, FormMessage, Honeypot, LinkButton, SubmitButton};
pub use image_upload::ImageUpload;
pub use layout::{SiteFooter, SiteHeader};
pub use post_list::{PostList, TagList};
pub use post_meta::PostMeta;
pub use subscribe::SubscribeForm;
pub use theme_toggle::{requested_theme, ThemeToggle};
pub use title::PageTitle;

/// Whether the page is being rendered for `quire export-static`: a copy of the public site
/// served by any static file server, so what needs this server (forms, accounts, the theme
/// switch, the page script) is left out. Off unless `SiteSettings::static_export` says so.
pub fn static_export() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::state::AppState>().is_some_and(|state| state.site.static_export)
    }
    #[cfg(not(feature = "ssr"))]
    false
}
