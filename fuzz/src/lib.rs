//! Checks shared by the fuzz targets: a small, deliberately independent reading of the HTML
//! that Quire's renderer produces, to assert that nothing able to run script got through.
//!
//! The reading follows the HTML tokenizer closely enough for sanitized output (which is always
//! well formed): tags, their attributes (quoted or not), comments, raw-text elements. It does
//! not trust the sanitizer's own parser, so a disagreement between the two shows up as a
//! failed check rather than being hidden.

/// A start or end tag as the browser's tokenizer would see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lowercased.
    pub name: String,
    pub end: bool,
    /// Names lowercased; values with character references decoded.
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Elements whose content the tokenizer reads as raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// Attributes whose value a browser loads or navigates to.
pub const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "poster",
    "background",
    "data",
    "codebase",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "ping",
    "manifest",
    "xlink:href",
    "srcset",
];

/// The tags of `html` in order, and the markup with every attribute value removed (so that a
/// text search in it cannot be fooled, or falsely alarmed, by what an attribute quotes).
pub fn tokenize(html: &str) -> (Vec<Tag>, String) {
    let s = html.as_bytes();
    let mut tags = Vec::new();
    let mut skeleton = String::with_capacity(html.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'<' {
            let next = html[i..].find('<').map_or(s.len(), |n| i + n);
            skeleton.push_str(&html[i..next]);
            i = next;
            continue;
        }
        let rest = &s[i + 1..];
        if rest.starts_with(b"!--") {
            // A comment: up to `-->` (or the end). Kept in the skeleton as it is.
            let end = find(s, i + 4, b"-->").map_or(s.len(), |e| e + 3);
            skeleton.push_str(&html[i..end]);
            i = end;
        } else if rest.first().is_some_and(|c| matches!(c, b'!' | b'?'))
            || (rest.first() == Some(&b'/')
                && rest.get(1).is_some_and(|c| !c.is_ascii_alphabetic()))
        {
            // A doctype or a bogus comment: up to `>`.
            let end = find(s, i + 1, b">").map_or(s.len(), |e| e + 1);
            skeleton.push_str(&html[i..end]);
            i = end;
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic)
            || (rest.first() == Some(&b'/') && rest.get(1).is_some_and(u8::is_ascii_alphabetic))
        {
            let (tag, end) = read_tag(html, i, &mut skeleton);
            i = end;
            if !tag.end && RAW_TEXT.contains(&tag.name.as_str()) {
                // Raw text: nothing in it is a tag until `</name`.
                let close = format!("</{}", tag.name);
                let stop = find_ascii_ci(s, i, close.as_bytes()).unwrap_or(s.len());
                skeleton.push_str(&html[i..stop]);
                i = stop;
            }
            tags.push(tag);
        } else {
            // A lone `<` is text.
            skeleton.push('<');
            i += 1;
        }
    }
    (tags, skeleton)
}

/// Reads the tag starting at `s[start] == b'<'`; returns it and the index after its `>`.
fn read_tag(html: &str, start: usize, skeleton: &mut String) -> (Tag, usize) {
    let s = html.as_bytes();
    let mut i = start + 1;
    let end = s[i] == b'/';
    if end {
        i += 1;
    }
    let name_start = i;
    while i < s.len() && !is_space(s[i]) && s[i] != b'/' && s[i] != b'>' {
        i += 1;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    skeleton.push_str(&html[start..i]);
    let mut attrs = Vec::new();
    loop {
        while i < s.len() && (is_space(s[i]) || s[i] == b'/') {
            i += 1;
        }
        if i >= s.len() {
            break;
        }
        if s[i] == b'>' {
            i += 1;
            break;
        }
        // An attribute name may start with `=`, and ends at space, `/`, `>` or `=`.
        let n0 = i;
        i += 1;
        while i < s.len() && !is_space(s[i]) && !matches!(s[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let attr_name = html[n0..i].to_ascii_lowercase();
        skeleton.push(' ');
        skeleton.push_str(&html[n0..i]);
        let mut j = i;
        while j < s.len() && is_space(s[j]) {
            j += 1;
        }
        let mut value = String::new();
        if j < s.len() && s[j] == b'=' {
            j += 1;
            while j < s.len() && is_space(s[j]) {
                j += 1;
            }
            if j < s.len() && (s[j] == b'"' || s[j] == b'\'') {
                let quote = s[j];
                let v0 = j + 1;
                let v1 = s[v0..]
                    .iter()
                    .position(|&c| c == quote)
                    .map_or(s.len(), |p| v0 + p);
                value = decode_references(&html[v0..v1]);
                i = (v1 + 1).min(s.len());
            } else {
                let v0 = j;
                while j < s.len() && !is_space(s[j]) && s[j] != b'>' {
                    j += 1;
                }
                value = decode_references(&html[v0..j]);
                i = j;
            }
            skeleton.push_str("=\"\"");
        }
        attrs.push((attr_name, value));
    }
    skeleton.push('>');
    (Tag { name, end, attrs }, i)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn find(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ascii_ci(s: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// Decodes numeric character references and the named ones that matter in a URL.
pub fn decode_references(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[1..].find(';').map(|p| p + 1) else {
            break;
        };
        let entity = &rest[1..semi];
        let decoded = if let Some(num) = entity.strip_prefix('#') {
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            code.map(|c| char::from_u32(c).unwrap_or('\u{fffd}'))
        } else {
            match entity {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some('\u{a0}'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "colon" => Some(':'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
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

/// The scheme a browser would see in a URL attribute's value, lowercased, or `None` for a
/// relative URL. Follows the URL standard: leading and trailing C0 controls and spaces are
/// dropped and tabs and newlines removed anywhere before the scheme is read.
pub fn url_scheme(value: &str) -> Option<String> {
    let trimmed = value.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// What the sanitized HTML of one renderer may contain.
pub struct Policy {
    /// `Some`: the only tags allowed. `None`: any tag but those in [`DANGEROUS_TAGS`].
    pub allowed_tags: Option<&'static [&'static str]>,
    /// The `rel` every link with an `href` must carry.
    pub link_rel: &'static str,
    /// Tags that may carry a `style` attribute (whose only property may be `text-align`).
    pub style_on: &'static [&'static str],
    /// `Some`: the only `(tag, attribute)` pairs allowed (`*`: on any tag). `None`: any
    /// attribute but event handlers, scripted URLs and styles beyond text alignment.
    pub allowed_attrs: Option<&'static [(&'static str, &'static str)]>,
}

/// Tags that run script, load active content, restyle the page, submit data or change how
/// the rest of the page is parsed.
pub const DANGEROUS_TAGS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "meta",
    "link",
    "form",
    "button",
    "textarea",
    "select",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
    "param",
    "portal",
    "isindex",
    "xml",
    "import",
    "dialog",
];

/// The URL schemes a link or image may use (or none: a relative URL).
pub const SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Every reason `html` (sanitized output) is unsafe under `policy`; empty when it is safe.
pub fn violations(html: &str, policy: &Policy) -> Vec<String> {
    let mut found = Vec::new();
    let (tags, skeleton) = tokenize(html);
    let lower = skeleton.to_ascii_lowercase();
    if lower.contains("<script") {
        found.push("`<script` in the markup".to_owned());
    }
    for tag in &tags {
        let name = tag.name.as_str();
        let allowed = match policy.allowed_tags {
            Some(list) => list.contains(&name),
            None => !DANGEROUS_TAGS.contains(&name),
        };
        if !allowed {
            found.push(format!("tag <{}{}>", if tag.end { "/" } else { "" }, name));
        }
        if name == "input" && tag.attr("type") != Some("checkbox") {
            found.push(format!(
                "an <input> that is not a checkbox: {:?}",
                tag.attrs
            ));
        }
        for (attr, value) in &tag.attrs {
            if let Some(pairs) = policy.allowed_attrs {
                if !pairs
                    .iter()
                    .any(|&(t, a)| (t == name || t == "*") && a == attr)
                {
                    found.push(format!("attribute {attr}={value:?} on <{name}>"));
                }
            }
            if attr.starts_with("on") {
                found.push(format!("event handler {attr}={value:?} on <{name}>"));
            }
            if URL_ATTRIBUTES.contains(&attr.as_str()) {
                if let Some(scheme) = url_scheme(value) {
                    if !SCHEMES.contains(&scheme.as_str()) {
                        found.push(format!("{attr}={value:?} on <{name}> (scheme {scheme:?})"));
                    }
                }
                // The plain check, with only what browsers drop before reading a URL dropped:
                // C0 controls and spaces around it, tabs and newlines anywhere (another
                // control inside the scheme makes the URL relative: harmless).
                let squeezed: String = value
                    .trim_matches(|c: char| c <= ' ')
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect::<String>()
                    .to_ascii_lowercase();
                if squeezed.starts_with("javascript:") {
                    found.push(format!("{attr}={value:?} on <{name}>: javascript:"));
                }
            }
            if attr == "style" && (!policy.style_on.contains(&name) || !only_text_align(value)) {
                found.push(format!("style={value:?} on <{name}>"));
            }
            if matches!(
                attr.as_str(),
                "srcdoc" | "formaction" | "http-equiv" | "xmlns"
            ) {
                found.push(format!("{attr}={value:?} on <{name}>"));
            }
        }
        if name == "a" && !tag.end && tag.attr("href").is_some() {
            let rel = tag.attr("rel").unwrap_or("");
            if rel != policy.link_rel {
                found.push(format!(
                    "a link with rel={rel:?}, not {:?}: {:?}",
                    policy.link_rel, tag.attrs
                ));
            }
        }
    }
    found
}

/// Whether a `style` attribute sets nothing but `text-align`, and loads nothing. (An invalid
/// alignment value is harmless: the browser drops that declaration.)
pub fn only_text_align(style: &str) -> bool {
    let lower = style.to_ascii_lowercase();
    if [
        "url(",
        "image(",
        "image-set(",
        "expression(",
        "\\",
        "@import",
        "javascript:",
    ]
    .iter()
    .any(|bad| lower.contains(bad))
    {
        return false;
    }
    // Declarations end at a `;` outside strings, parentheses and brackets.
    let mut declarations = Vec::new();
    let (mut start, mut depth, mut quote) = (0, 0i32, None);
    for (i, c) in lower.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ';') if depth <= 0 => {
                declarations.push(&lower[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    declarations.push(&lower[start..]);
    declarations.iter().all(|d| {
        let d = d.trim();
        d.is_empty()
            || d.split_once(':')
                .is_some_and(|(p, _)| p.trim() == "text-align")
    })
}

/// Post bodies: any harmless tag.
pub const POST_POLICY: Policy = Policy {
    allowed_tags: None,
    link_rel: "noopener noreferrer",
    style_on: &["td", "th"],
    allowed_attrs: None,
};

/// Comments: Markdown-lite only.
pub const COMMENT_POLICY: Policy = Policy {
    allowed_tags: Some(&[
        "p",
        "br",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "a",
        "blockquote",
        "ul",
        "ol",
        "li",
    ]),
    link_rel: "nofollow ugc noopener",
    style_on: &[],
    // The links' own, plus the harmless ones ammonia keeps by default (`Builder::empty()`
    // empties only the tag list): none is a style, class, id, handler or script URL.
    allowed_attrs: Some(&[
        ("a", "href"),
        ("a", "rel"),
        ("a", "hreflang"),
        ("blockquote", "cite"),
        ("del", "cite"),
        ("del", "datetime"),
        ("ol", "start"),
        ("*", "title"),
        ("*", "lang"),
    ]),
};

/// HTML that each policy must refuse: proof that the checks above are not vacuous. The fuzz
/// targets assert this once at start-up, so a broken oracle fails the run instead of passing it.
pub const MUST_FAIL: &[&str] = &[
    "<script>alert(1)</script>",
    "<p>a</p><SCRIPT SRC=x></SCRIPT>",
    "<a href=\"javascript:alert(1)\" rel=\"noopener noreferrer\">x</a>",
    "<a href=\" JaVa&#x09;Script&colon;alert(1)\" rel=\"noopener noreferrer\">x</a>",
    "<a href='&#106;avascript:x' rel=\"noopener noreferrer\">x</a>",
    "<img src=\"\njavascript:alert(1)\">",
    "<img src=x onerror=alert(1)>",
    "<p ONCLICK=\"x\">x</p>",
    "<a href=\"data:text/html,x\" rel=\"noopener noreferrer\">x</a>",
    "<a href=\"https://x\">no rel</a>",
    "<div style=\"background:url(x)\">x</div>",
    "<td style=\"text-align:left;background:red\">x</td>",
    "<td style=\"text-align:url(x)\">x</td>",
    "<svg><a>x</a></svg>",
    "<iframe srcdoc=\"x\"></iframe>",
    "<input type=\"text\">",
    "<p title=\"x\"/onmouseover=alert(1)>x</p>",
];

/// HTML that each policy must accept, among it lookalikes of the above.
pub const MUST_PASS: &[&str] = &[
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    "<a href=\"https://x/?a=<script>\" rel=\"REL\">x</a>",
    "<p>javascript:alert(1) onclick=x</p>",
    "<a href=\"https://example.com/?q=javascript:x\" rel=\"REL\">x</a>",
    "<a href=\"/relative/javascript:x\" rel=\"REL\">x</a>",
    "<a href=\"mailto:a@b.c\" rel=\"REL\">x</a>",
    "<a href=\"#fn-1\" rel=\"REL\">1</a>",
];

/// Panics unless [`violations`] refuses every [`MUST_FAIL`] sample and accepts every
/// [`MUST_PASS`] sample under `policy`.
pub fn self_test(policy: &Policy) {
    for bad in MUST_FAIL {
        assert!(
            !violations(bad, policy).is_empty(),
            "the oracle accepts {bad:?}"
        );
    }
    for good in MUST_PASS {
        let good = good.replace("REL", policy.link_rel);
        let found = violations(&good, policy);
        assert!(found.is_empty(), "the oracle refuses {good:?}: {found:?}");
    }
}

/// Renders the same input through the cache-free renderer twice and the cached one twice,
/// checks the four agree and the result is safe; returns it.
pub fn check_render(
    markdown: &str,
    uncached: fn(&str) -> String,
    cached: fn(&str) -> String,
    policy: &Policy,
) -> String {
    let first = uncached(markdown);
    let second = uncached(markdown);
    assert_eq!(first, second, "rendering is not deterministic");
    // Through the cache: the first call may render or hit (the fuzzer repeats inputs), the
    // second is a hit; both must be what the renderer makes.
    assert_eq!(cached(markdown), first, "the cache returned other HTML");
    assert_eq!(cached(markdown), first, "the cache returned other HTML");
    let found = violations(&first, policy);
    assert!(
        found.is_empty(),
        "unsafe HTML: {found:#?}\n--- markdown ---\n{markdown:?}\n--- html ---\n{first}"
    );
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oracle_catches_what_it_must_for_both_policies() {
        self_test(&POST_POLICY);
        self_test(&COMMENT_POLICY);
    }

    #[test]
    fn tags_and_attributes_are_read_like_a_browser() {
        let (tags, skeleton) =
            tokenize("<A HREF='x y' title=\"a>b\" checked data-x=1>t</a><br/><!--<b>-->");
        assert_eq!(tags.len(), 3);
        assert_eq!(tags[0].name, "a");
        assert_eq!(tags[0].attr("href"), Some("x y"));
        assert_eq!(tags[0].attr("title"), Some("a>b"));
        assert_eq!(tags[0].attr("checked"), Some(""));
        assert_eq!(tags[0].attr("data-x"), Some("1"));
        assert!(tags[1].end);
        assert_eq!(tags[2].name, "br");
        assert!(!skeleton.contains("a>b"));
    }

    #[test]
    fn schemes_are_read_like_the_url_standard() {
        assert_eq!(
            url_scheme(" \u{1}java\tscript:x").as_deref(),
            Some("javascript")
        );
        assert_eq!(url_scheme("HTTPS://x").as_deref(), Some("https"));
        assert_eq!(url_scheme("/a:b"), None);
        assert_eq!(url_scheme("a b:c"), None);
        assert_eq!(decode_references("&#x6A;&#97;v&amp;&bogus;"), "jav&&bogus;");
    }
}
