//! Comments: any text through `comment_html`, and as an imported HTML body. Asserts: no
//! panic; the same HTML every time, with or without the cache; only the Markdown-lite tags,
//! links only with `href` (http, https, mailto or relative) and `rel="nofollow ugc
//! noopener"`; nothing that can run script.
#![no_main]

use app::domain::BodyFormat;
use app::render::{comment_body_html, comment_html, comment_html_uncached, html_comment_uncached};
use libfuzzer_sys::fuzz_target;
use quire_fuzz::{check_render, self_test, COMMENT_POLICY};

fn imported(html: &str) -> String {
    comment_body_html(html, BodyFormat::Html)
}

fuzz_target!(
    init: self_test(&COMMENT_POLICY),
    |data: &[u8]| {
        let markdown = String::from_utf8_lossy(data);
        check_render(&markdown, comment_html_uncached, comment_html, &COMMENT_POLICY);
        // The same text as the HTML body of a comment imported from a Flask blog.
        check_render(&markdown, html_comment_uncached, imported, &COMMENT_POLICY);
    }
);
