use leptos::prelude::*;

/// Switches between the light and dark colour schemes and remembers the choice in the
/// browser. Without a stored choice the page follows the system setting (in CSS).
///
/// The switch needs the WASM client: it is rendered disabled and comes alive once the page
/// has hydrated, so a disabled switch means the client did not start.
#[island]
pub fn ThemeToggle() -> impl IntoView {
    let (hydrated, set_hydrated) = signal(false);
    let (dark, set_dark) = signal(false);

    // Effects run only in the browser, after hydration.
    Effect::new(move |_| {
        set_dark.set(client::initial_dark());
        set_hydrated.set(true);
    });

    let toggle = move |_| {
        let next = !dark.get_untracked();
        set_dark.set(next);
        client::apply(next);
    };

    view! {
        <button
            type="button"
            class="theme-toggle"
            aria-pressed=move || if dark.get() { "true" } else { "false" }
            disabled=move || !hydrated.get()
            on:click=toggle
        >
            "Dark theme"
        </button>
    }
}

#[cfg(feature = "hydrate")]
mod client {
    const KEY: &str = "quire-theme";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    /// The stored choice, else the system's preference. Applies it to the page.
    pub fn initial_dark() -> bool {
        let stored = storage().and_then(|s| s.get_item(KEY).ok().flatten());
        let dark = match stored.as_deref() {
            Some("dark") => true,
            Some("light") => false,
            _ => web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches()),
        };
        if stored.is_some() {
            set_attribute(dark);
        }
        dark
    }

    pub fn apply(dark: bool) {
        set_attribute(dark);
        if let Some(s) = storage() {
            // Private browsing may refuse storage: the switch still works for this page.
            let _ = s.set_item(KEY, if dark { "dark" } else { "light" });
        }
    }

    fn set_attribute(dark: bool) {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod client {
    pub fn initial_dark() -> bool {
        false
    }
    pub fn apply(_dark: bool) {}
}
