use leptos::prelude::*;
use leptos_meta::Title;

/// The page's `<title>`, safe for any text.
///
/// leptos_meta 0.8 writes the title into the server's HTML without escaping it, so a post
/// titled `</title><script>…` would run script. On the server the text is escaped here; in
/// the browser Leptos sets `document.title`, which takes plain text, so it is left as it is.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    let text = format!("{text} · Quire");
    #[cfg(feature = "ssr")]
    let text = html_escape::encode_double_quoted_attribute(&text).into_owned();
    view! { <Title text/> }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn markup_in_titles_is_escaped() {
        assert_eq!(
            html_escape::encode_double_quoted_attribute("</title><script>alert(1)</script> & co")
                .into_owned(),
            "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
        );
    }
}
