//! Building blocks shared by pages.

mod layout;
mod post_list;
mod theme_toggle;

pub use layout::{SiteFooter, SiteHeader};
pub use post_list::PostList;
pub use theme_toggle::ThemeToggle;
