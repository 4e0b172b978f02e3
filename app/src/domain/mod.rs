//! Domain types. They parse untrusted input into values that are valid by construction, and
//! compile for the browser too, so forms check input with the same rules as the server.

mod account;
mod common_passwords;
mod page;
mod post;
mod user;

pub use account::{CurrentUser, Email, Password, UserListing, UserName};
pub use page::PageNumber;
pub use post::{PostPage, PostSummary, PostTitle, Slug};
pub use user::Role;
