//! WordPress post and comment bodies made into the HTML Quire keeps: what WordPress does when
//! it shows them (paragraphs from blank lines, `[caption]` as a figure), and the shortcodes
//! it cannot carry named. Sanitizing is not done here: Quire cleans every HTML body when it
//! shows it, whatever it came from.

/// Tags that start a block of their own: a chunk that starts with one is not wrapped in `<p>`.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "iframe",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "video",
    "audio",
];

/// WordPress' own shortcodes that only a WordPress site can expand.
const SHORTCODES: &[&str] = &["gallery", "audio", "video", "playlist", "embed"];

/// A body as WordPress shows it: paragraphs made from blank lines for a post written in the
/// classic editor (block editor posts have their `<p>`s), `[caption]` as `<figure>`.
pub fn to_html(content: &str) -> String {
    let content = content.replace("\r\n", "\n");
    let content = captions(&content);
    if content.contains("<!-- wp:") {
        content
    } else {
        paragraphs(&content)
    }
}

/// The shortcodes of `content` that stay as text, by name, once each.
pub fn unknown_shortcodes(content: &str) -> Vec<&'static str> {
    SHORTCODES
        .iter()
        .copied()
        .filter(|name| {
            content.match_indices('[').any(|(i, _)| {
                let rest = &content[i + 1..];
                rest.strip_prefix(name)
                    .is_some_and(|after| after.starts_with([' ', ']']))
            })
        })
        .collect()
}

/// `[caption id="…" align="…" width="…"]<img …> The caption[/caption]` → a figure.
fn captions(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(start) = rest.find("[caption") {
        let Some(open_end) = rest[start..].find(']').map(|i| start + i) else {
            break;
        };
        let Some(close) = rest[open_end..].find("[/caption]").map(|i| open_end + i) else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = rest[open_end + 1..close].trim();
        // The image (maybe inside a link) is the first element; the rest is the caption.
        let split = match inner.find("<img") {
            Some(img) => inner[img..]
                .find('>')
                .map(|end| img + end + 1)
                .map(|end| match inner[end..].trim_start().strip_prefix("</a>") {
                    Some(after) => inner.len() - after.len(),
                    None => end,
                })
                .unwrap_or(inner.len()),
            None => 0,
        };
        let (media, caption) = inner.split_at(split);
        out.push_str("<figure>");
        out.push_str(media.trim());
        let caption = caption.trim();
        if !caption.is_empty() {
            out.push_str("<figcaption>");
            out.push_str(caption);
            out.push_str("</figcaption>");
        }
        out.push_str("</figure>");
        rest = &rest[close + "[/caption]".len()..];
    }
    out.push_str(rest);
    out
}

/// WordPress' `wpautop`, in its essentials: text between blank lines is a paragraph unless it
/// starts with a block tag, a single line break inside one is `<br>`, and `<pre>` is kept
/// whole.
pub fn paragraphs(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 64);
    for chunk in chunks(content) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        if starts_block(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>\n"));
            out.push_str("</p>");
        }
    }
    out
}

/// `content` cut at blank lines, except inside `<pre>…</pre>`.
fn chunks(content: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < content.len() {
        let rest = &content[at..];
        if rest.starts_with("<pre") {
            at += rest
                .find("</pre>")
                .map(|i| i + "</pre>".len())
                .unwrap_or(rest.len());
        } else if rest.starts_with("\n\n") {
            chunks.push(&content[start..at]);
            at += 2;
            start = at;
        } else {
            at += rest.chars().next().map(char::len_utf8).unwrap_or(1);
        }
    }
    chunks.push(&content[start..]);
    chunks
}

fn starts_block(chunk: &str) -> bool {
    if chunk.starts_with("<!--") {
        return true;
    }
    let Some(tag) = chunk.strip_prefix('<') else {
        return false;
    };
    let name: String = tag
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCK_TAGS.contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_editor_text_gets_its_paragraphs() {
        let text = "First line\nsame paragraph.\r\n\r\nSecond.\n\n<ul>\n<li>a</li>\n</ul>\n\n<pre>code\n\nstill code</pre>";
        assert_eq!(
            to_html(text),
            "<p>First line<br>\nsame paragraph.</p>\n<p>Second.</p>\n<ul>\n<li>a</li>\n</ul>\n<pre>code\n\nstill code</pre>"
        );
    }

    #[test]
    fn block_editor_posts_are_kept_as_they_are() {
        let text = "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>Two</p>";
        assert_eq!(to_html(text), text);
    }

    #[test]
    fn captions_become_figures() {
        let text = r#"[caption id="attachment_10" align="alignnone" width="8"]<a href="/x.jpg"><img src="/x.jpg" alt="A photo" /></a> A <em>caption</em>[/caption]"#;
        assert_eq!(
            to_html(text),
            r#"<figure><a href="/x.jpg"><img src="/x.jpg" alt="A photo" /></a><figcaption>A <em>caption</em></figcaption></figure>"#
        );
    }

    #[test]
    fn shortcodes_quire_cannot_expand_are_named() {
        assert_eq!(
            unknown_shortcodes(
                "[gallery ids=\"1,2\"] and [embed]https://v.example[/embed] [galleryx]"
            ),
            ["gallery", "embed"]
        );
        assert!(unknown_shortcodes("a [1] footnote").is_empty());
    }
}
