//! One component per route.

mod account;
mod admin_users;
mod delete_post;
mod editor;
mod home;
mod login;
mod not_found;
mod post;
mod register;
mod restricted;

pub use account::AccountPage;
pub use admin_users::AdminUsersPage;
pub use delete_post::DeletePostPage;
pub use editor::{EditPostPage, NewPostPage};
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use post::PostPage;
pub use register::RegisterPage;
pub use restricted::Restricted;
