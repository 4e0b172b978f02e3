//! Turning what people write into HTML that is safe to show.
//!
//! Markdown is rendered to HTML on the server, then everything goes through an allow-list
//! sanitizer (ammonia): only known-harmless elements and attributes survive, links may only
//! be http(s), mailto or relative, and no script, event handler, `style`, SVG or MathML gets
//! through — whatever the Markdown or raw HTML says.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{html, Options, Parser};

use crate::domain::BodyFormat;

mod cache;
mod highlight;
mod outline;

/// The text of an HTML body, its markup dropped and its entities decoded (a mail's plain-text
/// part, an imported excerpt).
pub fn text_of_html(html: &str) -> String {
    let clean = ammonia::Builder::empty().clean(html).to_string();
    html_escape::decode_html_entities(&clean).into_owned()
}

/// Full Markdown for posts: CommonMark with tables, strikethrough, footnotes, task lists.
pub fn post_html(markdown: &str) -> String {
    cache::cached("post", markdown, post_html_uncached)
}

/// Markdown-lite for comments: paragraphs, emphasis, links, code. Links are marked as
/// user-generated and never pass on ranking or the opener.
pub fn comment_html(markdown: &str) -> String {
    cache::cached("comment", markdown, comment_html_uncached)
}

/// A post body as stored: Markdown, or the HTML of a post imported from a Flask blog, which
/// goes through the same sanitizer without being parsed as Markdown.
pub fn post_body_html(body: &str, format: BodyFormat) -> String {
    match format {
        BodyFormat::Markdown => post_html(body),
        BodyFormat::Html => cache::cached("post-html", body, html_post_uncached),
    }
}

/// A comment body as stored, like [`post_body_html`]: the comment allow-list either way.
pub fn comment_body_html(body: &str, format: BodyFormat) -> String {
    match format {
        BodyFormat::Markdown => comment_html(body),
        BodyFormat::Html => cache::cached("comment-html", body, html_comment_uncached),
    }
}

/// An HTML post body, sanitized, without the cache. For tests and the fuzz targets.
pub fn html_post_uncached(html: &str) -> String {
    POST_CLEANER.clean(html).to_string()
}

/// An HTML comment body, sanitized, without the cache. For tests and the fuzz targets.
pub fn html_comment_uncached(html: &str) -> String {
    COMMENT_CLEANER.clean(html).to_string()
}

/// The characters a reader reads in a body, for its reading time: HTML's markup does not
/// count (CKEditor's tags and entities would double a short post's estimate).
pub fn text_chars(body: &str, format: BodyFormat) -> usize {
    match format {
        BodyFormat::Markdown => body.chars().count(),
        BodyFormat::Html => {
            let mut in_tag = false;
            body.chars()
                .filter(|&c| match c {
                    '<' => {
                        in_tag = true;
                        false
                    }
                    '>' if in_tag => {
                        in_tag = false;
                        false
                    }
                    _ => !in_tag,
                })
                .count()
        }
    }
}

/// Loads the code highlighter's grammars now instead of on the first post with code: for
/// start-up, on a thread of its own (see `highlight` for what it costs).
pub fn load_highlighter() {
    highlight::load();
}

/// [`post_html`] without the cache: what the cache stores. For tests and the fuzz targets.
pub fn post_html_uncached(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let events = highlight::code_blocks(Parser::new_ext(markdown, options).collect());
    let (events, headings) = outline::with_ids(events);
    let mut out = outline::table_of_contents(&headings);
    html::push_html(&mut out, events.into_iter());
    POST_CLEANER.clean(&out).to_string()
}

/// [`comment_html`] without the cache: what the cache stores. For tests and the fuzz targets.
pub fn comment_html_uncached(markdown: &str) -> String {
    COMMENT_CLEANER
        .clean(&to_html(markdown, Options::ENABLE_STRIKETHROUGH))
        .to_string()
}

fn to_html(markdown: &str, options: Options) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

fn url_schemes() -> HashSet<&'static str> {
    ["http", "https", "mailto"].into_iter().collect()
}

static POST_CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(post_cleaner);

/// The post's body as `post_body_html` makes it, with every relative address (images, links,
/// the table of contents' `#…`) made absolute against `page_url`, the post's own: for a mail,
/// which has no page to resolve them against. `None` when `page_url` is not a URL.
pub fn post_body_html_absolute(body: &str, format: BodyFormat, page_url: &str) -> Option<String> {
    let base = ammonia::Url::parse(page_url).ok()?;
    let mut cleaner = post_cleaner();
    cleaner.url_relative(ammonia::UrlRelative::RewriteWithBase(base));
    Some(cleaner.clean(&post_body_html(body, format)).to_string())
}

fn post_cleaner() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(url_schemes())
        .link_rel(Some("noopener noreferrer"))
        .add_tags(["input", "sup", "section", "nav"])
        .add_tag_attributes("nav", ["class", "aria-label"])
        .add_tag_attributes("p", ["class"])
        .add_tag_attributes("li", ["class"])
        .add_tag_attributes("h1", ["id"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        // `input` is allowed for task lists only: whatever the source says (a raw
        // `<input type=password>`, or no type, which is a text field), it is a disabled checkbox.
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("span", ["class"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("a", ["href", "title", "id"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        // Only alignment, from Markdown tables.
        .filter_style_properties(["text-align"].into_iter().collect())
        // Ids are only those the renderer sets (see `outline`): a writer's own `id` could
        // take one the page uses (`main`), or clobber a global in scripts.
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("span", "class") => {
                // Only the highlighter's own classes (see `highlight`).
                let ours: Vec<&str> = value
                    .split_whitespace()
                    .filter(|class| class.starts_with(highlight::CLASS_PREFIX))
                    .collect();
                (!ours.is_empty()).then(|| ours.join(" ").into())
            }
            (_, "id") => ["sec-", "fn-", "fnref-"]
                .iter()
                .any(|prefix| value.starts_with(prefix))
                .then_some(value.into()),
            _ => Some(value.into()),
        });
    b
}

static COMMENT_CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(
        [
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
        ]
        .into_iter()
        .collect(),
    )
    .url_schemes(url_schemes())
    .link_rel(Some("nofollow ugc noopener"))
    .add_tag_attributes("a", ["href"]);
    b
});

#[cfg(test)]
mod tests;
