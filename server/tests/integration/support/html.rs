//! Finds what in a page could run script, reading the HTML the way a browser tokenizes it:
//! the contents of `<script>`, `<style>`, `<textarea>` and `<title>` are text up to their end
//! tag, and attribute values may be quoted (and hold `>`) or not.

/// Tags that never belong in what Quire renders from user input.
const FORBIDDEN_TAGS: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math", "style",
    "link", "meta",
];
/// Tags the page shell itself legitimately uses, allowed only in `<head>` (before `<body`).
const HEAD_ONLY: &[&str] = &["link", "meta"];
/// Attributes whose value the browser follows as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "srcset",
    "cite",
];

#[derive(Debug)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Every piece of `html` that could execute script, described; empty when the page is safe.
/// `<script>` is allowed only with a `nonce` (Quire's hydration scripts). Forms and inputs are
/// allowed (the pages have their own); their handlers and `action` URLs are checked.
pub fn active_content(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_body = false;
    for tag in tags(html) {
        let name = tag.name.as_str();
        if name == "body" {
            in_body = true;
        }
        let attr = |wanted: &str| {
            tag.attributes
                .iter()
                .find(|(n, _)| n == wanted)
                .map(|(_, v)| v.as_str())
        };
        // A JSON-LD data block is never run; what it holds cannot end it early, or the
        // tags after it would show up here.
        let data_block = attr("type") == Some("application/ld+json");
        if name == "script" && attr("nonce").is_none() && !data_block {
            found.push(format!("a script without Quire's nonce: {tag:?}"));
        }
        let shell_tag = !in_body && HEAD_ONLY.contains(&name) && attr("http-equiv").is_none();
        if FORBIDDEN_TAGS.contains(&name) && !shell_tag {
            found.push(format!("a <{name}> tag: {tag:?}"));
        }
        for (attribute, value) in &tag.attributes {
            if attribute.starts_with("on") {
                found.push(format!("an event handler: {tag:?}"));
            }
            if attribute == "style" && dangerous_style(value) {
                found.push(format!("a scripted style: {tag:?}"));
            }
            if URL_ATTRIBUTES.contains(&attribute.as_str()) && dangerous_url(value) {
                found.push(format!("a script URL: {tag:?}"));
            }
        }
    }
    found
}

/// Whether following `url` would run script or load a document the page did not make.
fn dangerous_url(url: &str) -> bool {
    let normalized: String = decode_entities(url)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "javascript:",
        "vbscript:",
        "data:text/html",
        "data:image/svg",
    ]
    .iter()
    .any(|scheme| normalized.contains(scheme))
}

fn dangerous_style(style: &str) -> bool {
    let style = decode_entities(style).to_ascii_lowercase();
    style.contains("javascript:") || style.contains("expression(") || style.contains("url(")
}

/// Decodes the character references a browser decodes in attribute values.
fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e < 12);
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let code = if let Some(hex) = entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
            {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = entity.strip_prefix('#') {
                dec.parse().ok()
            } else {
                match entity {
                    "amp" => Some('&' as u32),
                    "lt" => Some('<' as u32),
                    "gt" => Some('>' as u32),
                    "quot" => Some('"' as u32),
                    "apos" => Some('\'' as u32),
                    "colon" => Some(':' as u32),
                    "Tab" => Some('\t' as u32),
                    "NewLine" => Some('\n' as u32),
                    _ => None,
                }
            };
            code.and_then(char::from_u32).map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The start tags of `html`, in order.
fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let (tag, end) = read_tag(html, i);
        i = end;
        if matches!(tag.name.as_str(), "script" | "style" | "textarea" | "title") {
            let close = format!("</{}", tag.name);
            let lower = html[i..].to_ascii_lowercase();
            i = lower.find(&close).map_or(html.len(), |e| i + e);
        }
        tags.push(tag);
    }
    tags
}

/// Reads a start tag whose name begins at `start`; returns it and the index after its `>`.
fn read_tag(html: &str, start: usize) -> (Tag, usize) {
    let chars: Vec<(usize, char)> = html[start..].char_indices().collect();
    let mut k = 0;
    let take_while = |k: &mut usize, pred: &dyn Fn(char) -> bool| {
        let from = *k;
        while *k < chars.len() && pred(chars[*k].1) {
            *k += 1;
        }
        chars[from..*k].iter().map(|(_, c)| *c).collect::<String>()
    };
    let name =
        take_while(&mut k, &|c| !c.is_whitespace() && c != '>' && c != '/').to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        take_while(&mut k, &|c| c.is_whitespace() || c == '/');
        if k >= chars.len() || chars[k].1 == '>' {
            break;
        }
        let attribute = take_while(&mut k, &|c| !c.is_whitespace() && c != '=' && c != '>')
            .to_ascii_lowercase();
        take_while(&mut k, &char::is_whitespace);
        let mut value = String::new();
        if k < chars.len() && chars[k].1 == '=' {
            k += 1;
            take_while(&mut k, &char::is_whitespace);
            match chars.get(k).map(|(_, c)| *c) {
                Some(quote @ ('"' | '\'')) => {
                    k += 1;
                    value = take_while(&mut k, &|c| c != quote);
                    k += 1;
                }
                _ => value = take_while(&mut k, &|c| !c.is_whitespace() && c != '>'),
            }
        }
        attributes.push((attribute, value));
    }
    let end = chars
        .get(k)
        .map_or(html.len(), |(offset, _)| start + offset + 1);
    (Tag { name, attributes }, end)
}

/// Every address a page makes the browser follow or fetch (`href`, `src`, each candidate of
/// a `srcset`, `poster`), entities decoded, as written (relative ones unresolved).
pub fn addresses(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in tags(html) {
        for (name, value) in &tag.attributes {
            let value = decode_entities(value);
            match name.as_str() {
                "href" | "src" | "poster" => found.push(value.trim().to_owned()),
                "srcset" => found.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_owned),
                ),
                _ => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_browser_would_run() {
        let bad = [
            r#"<img src=x onerror=alert(1)>"#,
            r#"<a title="x>y" onclick="alert(1)">"#,
            r#"<a href="&#106;avascript:alert(1)">x</a>"#,
            r#"<a href="java	script:alert(1)">x</a>"#,
            r#"<script>alert(1)</script>"#,
            r#"<body><svg><desc>x</desc></svg>"#,
            r#"<div style="background:url(javascript:alert(1))">"#,
            r#"<body><meta http-equiv="refresh" content="0;url=javascript:alert(1)">"#,
        ];
        for html in bad {
            assert_ne!(active_content(html), Vec::<String>::new(), "{html}");
        }
    }

    #[test]
    fn passes_what_is_only_text() {
        let good = [
            r#"<p>&lt;img src=x onerror=alert(1)&gt;</p>"#,
            r#"<script nonce="abc">var s = "<img src=x onerror=alert(1)>";</script>"#,
            r#"<textarea><img src=x onerror=alert(1)></textarea>"#,
            r#"<title>&lt;/title&gt;&lt;script&gt;</title>"#,
            r#"<head><meta charset="utf-8"><link rel="stylesheet" href="/pkg/quire.css"></head>"#,
            r#"<a href="https://example.com/?q=javascript">x</a>"#,
            r#"<!-- <script>alert(1)</script> -->"#,
        ];
        for html in good {
            assert_eq!(active_content(html), Vec::<String>::new(), "{html}");
        }
    }
}
