//! Text made safe to place in HTML (and in addresses), for the few places Quire writes markup
//! or a URL itself rather than through Leptos' views (which escape on their own).

/// `text` with `&`, `<`, `>` and `"` escaped: safe as element content and in a quoted
/// attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` with each byte that `keep` refuses written as `%XX` (UTF-8 bytes outside ASCII
/// included), for a URL's path or query.
pub fn percent_encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_not_kept_are_percent_encoded() {
        assert_eq!(
            super::percent_encode("/posts/café crème?x=1", |b| b.is_ascii_graphic()),
            "/posts/caf%C3%A9%20cr%C3%A8me?x=1"
        );
        assert_eq!(
            super::percent_encode("a&b c", |b| b.is_ascii_alphanumeric()),
            "a%26b%20c"
        );
    }

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            super::escape(r#"</title><a href="x">&"#),
            "&lt;/title&gt;&lt;a href=&quot;x&quot;&gt;&amp;"
        );
    }
}
