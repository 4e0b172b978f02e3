//! The reader's colour scheme. Kept in a cookie rather than in the browser's storage, so the
//! server renders each page in it: no flash of the other theme, and the switch works as a
//! plain form post without JavaScript.

/// The cookie holding the choice. Not `HttpOnly`: the page's script sets it too, so
/// switching needs no round trip when JavaScript runs.
pub const THEME_COOKIE: &str = "quire_theme";

/// What the reader chose; `System` (no cookie) follows `prefers-color-scheme` in CSS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// A choice as a form or the cookie sends it. Anything else is no choice.
    pub fn parse(value: &str) -> Option<Theme> {
        match value {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The choice among a request's `Cookie` headers (there may be several).
    pub fn from_cookie_headers<'a>(headers: impl IntoIterator<Item = &'a str>) -> Theme {
        headers
            .into_iter()
            .map(Theme::from_cookies)
            .find(|t| *t != Theme::System)
            .unwrap_or_default()
    }

    /// The choice in a `Cookie` header's value (`a=1; quire_theme=dark`). By hand rather than
    /// with the `cookie` crate: one name and two values, in a module the browser build shares.
    pub fn from_cookies(header: &str) -> Theme {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == THEME_COOKIE)
            .and_then(|(_, value)| Theme::parse(value.trim()))
            .unwrap_or_default()
    }

    /// The value of `<html data-theme>`, which the stylesheet follows over the system's.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    /// What the switch ("Dark theme", a toggle) asks for when pressed. With no choice made
    /// the server cannot know the system's scheme and assumes light; the page's script
    /// corrects the switch from `prefers-color-scheme` where it runs.
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Dark => Theme::Light,
            Theme::System | Theme::Light => Theme::Dark,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others_and_nonsense_is_no_choice() {
        assert_eq!(
            Theme::from_cookies("a=1; quire_theme=dark; b=2"),
            Theme::Dark
        );
        assert_eq!(Theme::from_cookies("quire_theme=light"), Theme::Light);
        assert_eq!(Theme::from_cookies("quire_theme=purple"), Theme::System);
        assert_eq!(Theme::from_cookies("xquire_theme=dark"), Theme::System);
        assert_eq!(Theme::from_cookies(""), Theme::System);
        assert_eq!(
            Theme::from_cookie_headers(["a=1", "quire_theme=dark"]),
            Theme::Dark
        );
    }

    #[test]
    fn the_switch_goes_dark_unless_it_is_dark() {
        assert_eq!(Theme::System.toggled(), Theme::Dark);
        assert_eq!(Theme::Light.toggled(), Theme::Dark);
        assert_eq!(Theme::Dark.toggled(), Theme::Light);
        assert_eq!(Theme::Dark.toggled().attribute(), Some("light"));
        assert_eq!(Theme::System.attribute(), None);
    }
}
