use leptos::form::ActionForm;
use leptos::prelude::*;

use super::{static_export, LinkButton, ThemeToggle};
use crate::domain::Capability;
use crate::session::Session;

/// The banner on every page: the blog's name, navigation and the theme switch. A static copy
/// of the site (`static_export`) has only what works without this server.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let live = !static_export();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">"Quire"</a>
            <nav aria-label="Main">
                <ul>
                    <li><a href="/">"Home"</a></li>
                    <li><a href="/about">"About"</a></li>
                    <PageLinks/>
                    {live.then(|| view! {
                        <li><a href="/contact">"Contact"</a></li>
                        <AccountLinks/>
                    })}
                </ul>
            </nav>
            {live.then(|| view! {
                // A plain GET form: works without JavaScript, and the results have an address.
                <form class="site-search" role="search" action="/search" method="get">
                    <label for="site-search" class="visually-hidden">"Search posts"</label>
                    <input type="search" id="site-search" name="q" placeholder="Search posts" required maxlength="200"/>
                    <button type="submit">"Search"</button>
                </form>
                <ThemeToggle/>
            })}
        </header>
    }
}

/// The admin's standalone pages shown in the navigation, in their order.
#[component]
fn PageLinks() -> impl IntoView {
    let pages = Resource::new(|| (), |_| crate::api::nav_pages());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                pages
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| view! { <li><a href=format!("/pages/{}", p.slug)>{p.title}</a></li> })
                    .collect_view()
            })}
        </Transition>
    }
}

/// The reader's links: the admin's pages, the account and "Log out"; or "Log in" and
/// "Register".
#[component]
fn AccountLinks() -> impl IntoView {
    let session = Session::get();
    let user = session.user;
    let logout = session.logout;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(me)) => view! {
                        {me.can(Capability::Write).then(|| {
                            let moderates = me.can(Capability::Moderate);
                            let manages = me.can(Capability::Manage);
                            view! {
                                <li><a href="/admin/posts/new">"New post"</a></li>
                                // The team's other pages behind one disclosure, so the
                                // header stays one row at desktop widths; a <details> opens
                                // without JavaScript.
                                <li>
                                    <details class="admin-menu">
                                        <summary>{if manages { "Admin" } else { "Team" }}</summary>
                                        <ul>
                                            <li><a href="/admin/posts">"Posts"</a></li>
                                            {moderates.then(|| view! { <li><a href="/admin/comments">"Comments"</a></li> })}
                                            {manages.then(|| view! {
                                                <li><a href="/admin/users">"Users"</a></li>
                                                <li><a href="/admin/pages">"Pages"</a></li>
                                                <li><a href="/admin/messages">"Messages"</a></li>
                                                <li><a href="/admin/subscribers">"Subscribers"</a></li>
                                            })}
                                        </ul>
                                    </details>
                                </li>
                            }
                        })}
                        <li><a href="/account" class="account-link">{me.name}</a></li>
                        <li>
                            <ActionForm action=logout>
                                <LinkButton label="Log out" name="Log out"/>
                            </ActionForm>
                        </li>
                    }
                    .into_any(),
                    _ => view! {
                        <li><a href="/login">"Log in"</a></li>
                        <li><a href="/register">"Register"</a></li>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Quire — a blog that keeps what you write."</p>
        </footer>
    }
}
