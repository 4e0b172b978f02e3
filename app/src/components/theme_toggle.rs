use leptos::prelude::*;

use crate::domain::Theme;

/// Switches between the light and dark colour schemes. A form: without JavaScript it posts
/// the choice to `/theme`, which sets the cookie and sends the reader back; with it, the
/// page's script switches at once and sets the same cookie (see `page_script.js`).
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let current = requested_theme();
    let pressed = if current == Theme::Dark {
        "true"
    } else {
        "false"
    };
    view! {
        <form class="theme-switch" method="post" action="/theme">
            <input type="hidden" name="theme" value=current.toggled().attribute()/>
            <button type="submit" class="theme-toggle" aria-pressed=pressed>
                "Dark theme"
            </button>
        </form>
    }
}

/// The theme the page being rendered is for: the reader's cookie (server only; pages are not
/// rendered in the browser outside islands, and no island shows the theme).
pub fn requested_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .map(|parts| {
                let cookies = parts.headers.get_all(axum::http::header::COOKIE);
                Theme::from_cookie_headers(cookies.iter().filter_map(|v| v.to_str().ok()))
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    Theme::System
}
