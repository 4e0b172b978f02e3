//! Domain types. They parse untrusted input into values that are valid by construction, and
//! compile for the browser too, so forms check input with the same rules as the server.

mod account;
mod common_passwords;
mod contact;
mod page;
mod post;
mod user;

pub use account::{CurrentUser, Email, Password, UserListing, UserName};
pub use contact::{parse_message, parse_phone, AboutView, MessageView};
pub use page::PageNumber;
pub use post::{
    check_body_length, parse_body, parse_comment, parse_cover_url, parse_subtitle, CommentView,
    PostDraft, PostPage, PostSummary, PostTitle, PostView, Slug,
};
pub use user::Role;
