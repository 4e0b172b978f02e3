use leptos::prelude::*;

use super::ThemeToggle;

/// The banner on every page: the blog's name, navigation and the theme switch.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">"Quire"</a>
            <nav aria-label="Main">
                <ul>
                    <li><a href="/">"Home"</a></li>
                </ul>
            </nav>
            <ThemeToggle/>
        </header>
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
