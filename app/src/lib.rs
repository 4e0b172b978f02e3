//! Quire's application: pages and components (rendered on the server; the editor's
//! interactive parts, `#[island]`s, are also brought to life in the browser), the server
//! functions they call, and — on the server only — the data layer.

pub mod api;
pub mod components;
pub mod csp;
pub mod domain;
pub mod error;
pub mod pages;
pub mod session;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod freshness;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "render")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use components::{SiteFooter, SiteHeader};
use pages::{
    AboutPage, AccountPage, AdminPagesPage, AdminSubscribersPage, AdminUsersPage, AuthorPage,
    ConfirmSubscriptionPage, ContactPage, DeletePostPage, DeskPage, EditPostPage,
    EmailConfirmedPage, ForgotPasswordPage, HomePage, InvitePage, LoginCodePage, LoginPage,
    MessagesPage, ModerationPage, NewPostPage, NotFound, PageEditorPage, PostPage, RegisterPage,
    ResetPasswordPage, RevisionPage, RevisionsPage, SearchPage, SeriesPage, SitePageView,
    SubscribePage, TagPage, UnsubscribePage, VerifyEmailPage,
};

/// Where pages load the client bundle from: `/v/<version>` when the server knows the
/// bundle's version (the server's `assets` module), so browsers may keep the files for good;
/// empty for the plain `/pkg/…` addresses.
#[derive(Clone, Debug, Default)]
pub struct AssetRoot(pub String);

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let root = use_context::<AssetRoot>().unwrap_or_default().0;
    let stylesheet = format!(
        "{root}/{}/{}.css",
        options.site_pkg_dir, options.output_name
    );
    let client = is_editor_page(&request_path());
    if !client {
        // In islands mode Leptos serializes the page's resources into it for hydration until
        // `HydrationScripts` turns that off; on a page without the client nothing would read
        // them (a post page carried its whole content twice, once as JSON).
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
    }
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=components::requested_theme().attribute()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="alternate" type="application/atom+xml" title="Quire (Atom)" href="/feed.xml"/>
                <link rel="alternate" type="application/rss+xml" title="Quire (RSS)" href="/rss.xml"/>
                <AutoReload options=options.clone()/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                // Islands: on the pages that have them (the editor's preview and image upload)
                // the WASM client brings them to life once the browser is idle. Other pages
                // load no client at all.
                {client.then(|| view! { <HydrationScripts options root islands=true/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
                {(!components::static_export()).then(|| view! {
                    <script nonce=nonce>{components::PAGE_SCRIPT}</script>
                })}
            </body>
        </html>
    }
}

/// The path of the page being rendered (server only).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .map(|parts| parts.uri.path().to_owned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// Whether `path` (as in the request, percent-encoded) is one of the editor's pages: "New
/// post" or a post's "Edit". Only these have islands, so only these load the WASM client;
/// every other page is plain HTML, CSS and `PAGE_SCRIPT` (an integration test renders the
/// pages and checks that islands appear only where this says).
pub fn is_editor_page(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    path == "/admin/posts/new"
        || path
            .strip_prefix("/posts/")
            .and_then(|rest| rest.strip_suffix("/edit"))
            .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    csp::set_for_page();
    session::Session::provide();

    view! {
        <Title text="Quire"/>
        <Router>
            <SiteHeader/>
            <main id="main">
                <Routes fallback=|| view! { <NotFound/> }>
                    // Pages are rendered whole before they are sent (`Async`), not streamed:
                    // they read little, and so they work without JavaScript and carry the
                    // right status code (401, 403, 404) in their headers.
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("login/code") view=LoginCodePage ssr=SsrMode::Async/>
                    <Route path=path!("forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("reset-password/:token") view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("verify-email/:token") view=VerifyEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("email-confirmed") view=EmailConfirmedPage ssr=SsrMode::Async/>
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/users") view=AdminUsersPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/subscribers") view=AdminSubscribersPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/comments") view=ModerationPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/posts") view=DeskPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/pages") view=AdminPagesPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/pages/new") view=PageEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/pages/:slug/edit") view=PageEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("pages/:slug") view=SitePageView ssr=SsrMode::Async/>
                    <Route path=path!("admin/posts/new") view=NewPostPage ssr=SsrMode::Async/>
                    <Route path=path!("invite/:token") view=InvitePage ssr=SsrMode::Async/>
                    <Route path=path!("admin/messages") view=MessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("about") view=AboutPage ssr=SsrMode::Async/>
                    <Route path=path!("contact") view=ContactPage ssr=SsrMode::Async/>
                    <Route path=path!("search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("subscribe") view=SubscribePage ssr=SsrMode::Async/>
                    <Route path=path!("subscribe/confirm/:token") view=ConfirmSubscriptionPage ssr=SsrMode::Async/>
                    <Route path=path!("unsubscribe/:token") view=UnsubscribePage ssr=SsrMode::Async/>
                    <Route path=path!("tags/:tag") view=TagPage ssr=SsrMode::Async/>
                    <Route path=path!("series/:slug") view=SeriesPage ssr=SsrMode::Async/>
                    <Route path=path!("authors/:id") view=AuthorPage ssr=SsrMode::Async/>
                    <Route path=path!("posts/:slug") view=PostPage ssr=SsrMode::Async/>
                    <Route path=path!("posts/:slug/edit") view=EditPostPage ssr=SsrMode::Async/>
                    <Route path=path!("posts/:slug/delete") view=DeletePostPage ssr=SsrMode::Async/>
                    <Route path=path!("posts/:slug/revisions") view=RevisionsPage ssr=SsrMode::Async/>
                    <Route path=path!("posts/:slug/revisions/:number") view=RevisionPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::is_editor_page;

    #[test]
    fn only_the_editor_loads_the_client() {
        assert!(is_editor_page("/admin/posts/new"));
        assert!(is_editor_page("/posts/hello-world/edit"));
        assert!(is_editor_page("/posts/hello-world/edit/"));
        for reader in [
            "/",
            "/posts/hello-world",
            "/posts/edit",
            "/posts//edit",
            "/posts/a/b/edit",
            "/tags/rust",
            "/login",
            "/account",
            "/admin/users",
            "/posts/hello-world/delete",
        ] {
            assert!(!is_editor_page(reader), "{reader}");
        }
    }
}
