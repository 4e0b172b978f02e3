//! The newer parsers of untrusted input in `app::domain`: uploaded image files (type sniffing
//! and header sizes), served image names, the Markdown the editor inserts for an image, search
//! queries and their highlighted results, tags, scheduled publication times and moderation
//! actions. Every one gets the same input. Asserts: no panic, and for what is accepted, that
//! it is what the type promises and survives a round trip (see fuzz/README.md).
#![no_main]

use app::domain::{
    format_publish_at, image_markdown, image_path, is_image_path, is_tag_slug, marked_html,
    parse_image_name, parse_publish_at, parse_tags, tags_field, CommentStatus, ImageKind,
    ModerationAction, Publication, SearchQuery, Tag, UploadProblem, IMAGE_PATH_PREFIX, MATCH_END,
    MATCH_START,
};
use app::render::post_html_uncached;
use chrono::{SubsecRound, Timelike};
use libfuzzer_sys::fuzz_target;
use quire_fuzz::{tokenize, violations, Policy};

/// Search results are escaped text with `<mark>` and nothing else.
const MARKED_POLICY: Policy = Policy {
    allowed_tags: Some(&["mark"]),
    link_rel: "",
    style_on: &[],
    allowed_attrs: Some(&[]),
};

/// Characters that are syntax in SQLite FTS5 or PostgreSQL tsquery.
fn is_query_syntax(c: char) -> bool {
    (c.is_ascii() && !c.is_ascii_alphanumeric()) || c.is_whitespace() || c.is_control()
}

fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fuzz_target!(|data: &[u8]| {
    // Uploads are bytes, never text.
    match UploadProblem::check(data) {
        Ok((kind, size)) => {
            assert_eq!(ImageKind::sniff(data), Some(kind));
            let (w, h) = size.expect("an accepted image has a size");
            assert!(w > 0 && h > 0);
            assert_eq!(
                ImageKind::from_content_type(kind.content_type()),
                Some(kind)
            );
            assert_eq!(ImageKind::from_extension(kind.extension()), Some(kind));
        }
        Err(problem) => {
            assert_eq!(UploadProblem::from_code(problem.code()), Some(problem));
            assert!(matches!(problem.status().as_u16(), 413 | 415 | 422));
            assert!(!problem.message().is_empty());
        }
    }
    for kind in ImageKind::ALL {
        if let Some((w, h)) = kind.dimensions(data) {
            assert!(w > 0 && h > 0);
        }
    }

    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let markup = text
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .starts_with('<');
    if markup {
        assert!(
            UploadProblem::check(data).is_err(),
            "markup accepted as an image"
        );
    }

    // Served image names: nothing that could leave the images folder.
    if let Some((hash, kind)) = parse_image_name(text) {
        assert_eq!(hash.len(), 64);
        assert!(hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(text, format!("{hash}.{}", kind.extension()));
        assert!(!text.contains(['/', '\\', '\0']) && !text.contains(".."));
        let path = image_path(hash, kind);
        assert_eq!(path, format!("{IMAGE_PATH_PREFIX}{text}"));
        assert!(is_image_path(&path));
    }
    if is_image_path(text) {
        let name = text.strip_prefix(IMAGE_PATH_PREFIX).expect("the prefix");
        assert!(parse_image_name(name).is_some());
    }

    // The editor's image Markdown, whatever the description: one image, at that address.
    let url = image_path(&"ab".repeat(32), ImageKind::Png);
    let markdown = image_markdown(text, &url);
    let html = post_html_uncached(&markdown);
    let images: Vec<_> = tokenize(&html)
        .0
        .into_iter()
        .filter(|t| t.name == "img" && !t.end)
        .collect();
    assert_eq!(images.len(), 1, "{markdown:?} gave {html}");
    assert_eq!(
        images[0].attr("src"),
        Some(url.as_str()),
        "{markdown:?} gave {html}"
    );

    // Search: words only, none of them query syntax.
    if let Ok(query) = SearchQuery::parse(text) {
        assert!(text.chars().count() <= SearchQuery::MAX_CHARS);
        let terms = query.terms();
        assert!((1..=SearchQuery::MAX_TERMS).contains(&terms.len()));
        for term in terms {
            assert!(!term.is_empty(), "an empty term");
            assert!(
                !term.chars().any(is_query_syntax),
                "term {term:?} has syntax"
            );
            assert_eq!(term, &term.to_lowercase());
        }
        let quoted: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
        assert_eq!(query.to_fts5(), quoted.join(" ") + "*");
        assert_eq!(query.to_tsquery(), terms.join(" & ") + ":*");
    }

    // Highlighted results: escaped text plus balanced <mark> elements, nothing else.
    let html = marked_html(text);
    let found = violations(&html, &MARKED_POLICY);
    assert!(found.is_empty(), "{found:?} in {html:?}");
    let opens = html.matches("<mark>").count();
    assert_eq!(
        opens,
        html.matches("</mark>").count(),
        "unbalanced: {html:?}"
    );
    let plain: String = text
        .chars()
        .filter(|&c| c != MATCH_START && c != MATCH_END)
        .collect();
    assert_eq!(
        unescape(&html.replace("<mark>", "").replace("</mark>", "")),
        plain
    );

    // Tags: one name, and the editor's comma-separated field.
    if let Ok(tag) = Tag::parse(text) {
        let name = tag.name.as_str();
        assert!((1..=Tag::MAX_CHARS).contains(&name.chars().count()));
        assert_eq!(name, name.split_whitespace().collect::<Vec<_>>().join(" "));
        assert!(!name.chars().any(char::is_control));
        assert_eq!(Tag::parse(name), Ok(tag.clone()), "tag re-parse");
        let slug = tag.slug.as_str();
        assert!((1..=Tag::MAX_CHARS).contains(&slug.chars().count()));
        assert!(
            !slug.contains(['/', '?', '#', '%', '.']) && !slug.chars().any(char::is_whitespace)
        );
        assert!(
            is_tag_slug(slug),
            "the page of tag {name:?} refuses its own address {slug:?}"
        );
        assert_eq!(tag.href(), format!("/tags/{slug}"));
    }
    if let Ok(tags) = parse_tags(text) {
        assert!(tags.len() <= Tag::MAX_PER_POST);
        for (i, t) in tags.iter().enumerate() {
            assert!(!tags[..i].iter().any(|u| u.slug == t.slug), "duplicate tag");
        }
        assert_eq!(
            parse_tags(&tags_field(&tags)),
            Ok(tags.clone()),
            "tags field round trip"
        );
    }

    // Scheduled publication: what the editor shows is what it reads back (to the minute).
    if let Ok(at) = parse_publish_at(text) {
        let shown = format_publish_at(at);
        let minute = at.trunc_subsecs(0).with_second(0).expect("second 0");
        assert_eq!(parse_publish_at(&shown), Ok(minute), "{shown:?}");
    }
    let (status, publish_at) = text.split_once('\n').unwrap_or((text, ""));
    if let Ok(publication) = Publication::parse(status, publish_at) {
        let expected = match status.trim() {
            "" | "published" => Publication::Published,
            "draft" => Publication::Draft,
            "scheduled" => Publication::Scheduled(parse_publish_at(publish_at).expect("a time")),
            other => panic!("status {other:?} accepted"),
        };
        assert_eq!(publication, expected);
    }

    // Moderation form fields.
    if let Some(status) = CommentStatus::parse(text) {
        assert_eq!(status.as_str(), text);
    }
    if let Ok(action) = ModerationAction::parse(text) {
        assert_eq!(action.as_str(), text.trim());
        assert!(action.applies_to().contains(&action.target()));
    }
});
