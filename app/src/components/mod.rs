//! Building blocks shared by pages.

/// The script every page carries inline (see `shell`).
pub const PAGE_SCRIPT: &str = include_str!("page_script.js");

mod comment;
mod form;
mod image_upload;
mod layout;
mod post_list;
mod post_meta;
mod subscribe;
mod theme_toggle;
mod title;

pub use comment::{Comment, CommentActions};
pub use form::{last_error, textarea_text, Field, FormMessage, Honeypot, LinkButton, SubmitButton};
pub use image_upload::ImageUpload;
pub use layout::{SiteFooter, SiteHeader};
pub use post_list::{PostList, TagList};
pub use post_meta::PostMeta;
pub use subscribe::SubscribeForm;
pub use theme_toggle::{requested_theme, ThemeToggle};
pub use title::PageTitle;
