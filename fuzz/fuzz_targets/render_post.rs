//! Post bodies: any text (invalid UTF-8 is replaced, as a form post would be) through
//! `post_html`, and as an imported HTML body. Asserts: no panic; the same HTML every time,
//! with or without the cache; and nothing in it that can run script (see
//! `quire_fuzz::violations` and the README).
#![no_main]

use app::domain::BodyFormat;
use app::render::{html_post_uncached, post_body_html, post_html, post_html_uncached};
use libfuzzer_sys::fuzz_target;
use quire_fuzz::{check_render, self_test, POST_POLICY};

fn imported(html: &str) -> String {
    post_body_html(html, BodyFormat::Html)
}

fuzz_target!(
    init: self_test(&POST_POLICY),
    |data: &[u8]| {
        let markdown = String::from_utf8_lossy(data);
        check_render(&markdown, post_html_uncached, post_html, &POST_POLICY);
        // The same text as the HTML body of a post imported from a Flask blog.
        check_render(&markdown, html_post_uncached, imported, &POST_POLICY);
    }
);
