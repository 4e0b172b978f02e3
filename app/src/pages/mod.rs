//! One component per route.

mod about;
mod account;
mod account_email;
mod admin_subscribers;
mod admin_users;
mod author;
mod contact;
mod delete_post;
mod desk;
mod editor;
mod home;
mod invite;
mod login;
mod login_code;
mod messages;
mod moderation;
mod not_found;
mod notifications;
mod password_reset;
mod post;
mod register;
mod restricted;
mod revisions;
mod search;
mod series;
mod sessions;
mod site_pages;
mod subscribe;
mod tag;
mod two_factor;
mod verify_email;

pub use about::AboutPage;
pub use account::AccountPage;
pub use admin_subscribers::AdminSubscribersPage;
pub use admin_users::AdminUsersPage;
pub use author::AuthorPage;
pub use contact::ContactPage;
pub use delete_post::DeletePostPage;
pub use desk::DeskPage;
pub use editor::{EditPostPage, NewPostPage};
pub use home::HomePage;
pub use invite::InvitePage;
pub use login::LoginPage;
pub use login_code::LoginCodePage;
pub use messages::MessagesPage;
pub use moderation::ModerationPage;
pub use not_found::NotFound;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use post::PostPage;
pub use register::RegisterPage;
pub use restricted::Restricted;
pub use revisions::{RevisionPage, RevisionsPage};
pub use search::SearchPage;
pub use series::SeriesPage;
pub use site_pages::{AdminPagesPage, PageEditorPage, SitePageView};
pub use subscribe::{ConfirmSubscriptionPage, SubscribePage, UnsubscribePage};
pub use tag::TagPage;
pub use verify_email::{EmailConfirmedPage, VerifyEmailPage};

/// Keeps a page out of every cache, shared or not: for pages whose address holds a secret
/// (a reset or verification link's token).
fn no_store() {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
}
