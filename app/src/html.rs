//! Text made safe to place in HTML, for the few places Quire writes markup itself rather than
//! through Leptos' views (which escape on their own).

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

#[cfg(test)]
mod tests {
    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            super::escape(r#"</title><a href="x">&"#),
            "&lt;/title&gt;&lt;a href=&quot;x&quot;&gt;&amp;"
        );
    }
}
