//! Turning what people write into HTML that is safe to show.
//!
//! Markdown is rendered to HTML on the server, then everything goes through an allow-list
//! sanitizer (ammonia): only known-harmless elements and attributes survive, links may only
//! be http(s), mailto or relative, and no script, event handler, `style`, SVG or MathML gets
//! through — whatever the Markdown or raw HTML says.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{html, Options, Parser};

mod cache;

/// Full Markdown for posts: CommonMark with tables, strikethrough, footnotes, task lists.
pub fn post_html(markdown: &str) -> String {
    cache::cached("post", markdown, |markdown| {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_TASKLISTS;
        POST_CLEANER.clean(&to_html(markdown, options)).to_string()
    })
}

/// Markdown-lite for comments: paragraphs, emphasis, links, code. Links are marked as
/// user-generated and never pass on ranking or the opener.
pub fn comment_html(markdown: &str) -> String {
    cache::cached("comment", markdown, |markdown| {
        COMMENT_CLEANER
            .clean(&to_html(markdown, Options::ENABLE_STRIKETHROUGH))
            .to_string()
    })
}

fn to_html(markdown: &str, options: Options) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

fn url_schemes() -> HashSet<&'static str> {
    ["http", "https", "mailto"].into_iter().collect()
}

static POST_CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(url_schemes())
        .link_rel(Some("noopener noreferrer"))
        .add_tags(["input", "sup", "section"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("li", ["id"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("a", ["href", "title", "id"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        // Only alignment, from Markdown tables.
        .filter_style_properties(["text-align"].into_iter().collect())
        .id_prefix(Some("fn-"));
    b
});

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
