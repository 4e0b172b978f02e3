//! One component per route.

mod account;
mod admin_users;
mod home;
mod login;
mod not_found;
mod register;
mod restricted;

pub use account::AccountPage;
pub use admin_users::AdminUsersPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use register::RegisterPage;
pub use restricted::Restricted;
