//! One component per route.

mod about;
mod account;
mod admin_users;
mod author;
mod contact;
mod delete_post;
mod editor;
mod home;
mod login;
mod messages;
mod moderation;
mod not_found;
mod password_reset;
mod post;
mod register;
mod restricted;
mod search;
mod tag;

pub use about::AboutPage;
pub use account::AccountPage;
pub use admin_users::AdminUsersPage;
pub use author::AuthorPage;
pub use contact::ContactPage;
pub use delete_post::DeletePostPage;
pub use editor::{EditPostPage, NewPostPage};
pub use home::HomePage;
pub use login::LoginPage;
pub use messages::MessagesPage;
pub use moderation::ModerationPage;
pub use not_found::NotFound;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use post::PostPage;
pub use register::RegisterPage;
pub use restricted::Restricted;
pub use search::SearchPage;
pub use tag::TagPage;
