//! Building blocks shared by pages.

mod form;
mod layout;
mod post_list;
mod theme_toggle;
mod title;

pub use form::{last_error, textarea_text, Field, FormMessage, SubmitButton};
pub use layout::{SiteFooter, SiteHeader};
pub use post_list::PostList;
pub use theme_toggle::ThemeToggle;
pub use title::PageTitle;
