//! What the editor saves by itself while someone types, and the revision a save starts from.

use serde::{Deserialize, Serialize};

use super::{PostTitle, BODY_MAX_CHARS};

/// The editor's text fields as typed, half-written: any of them may be empty (a title not
/// chosen yet is no reason to lose the body), but none longer than a save would take, so a
/// draft copy is never larger than a post.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditorText {
    pub title: String,
    pub subtitle: String,
    pub cover_url: String,
    pub tags: String,
    pub body: String,
}

/// Longest cover address and tags field kept: far past what a save takes, and small.
const COVER_MAX_CHARS: usize = 2_000;
const TAGS_MAX_CHARS: usize = 1_000;
const SUBTITLE_MAX_CHARS: usize = 300;

impl EditorText {
    pub fn parse(
        title: &str,
        subtitle: &str,
        cover_url: &str,
        tags: &str,
        body: &str,
    ) -> Result<EditorText, String> {
        let fields = [
            (title, PostTitle::MAX_CHARS, "title"),
            (subtitle, SUBTITLE_MAX_CHARS, "subtitle"),
            (cover_url, COVER_MAX_CHARS, "cover image URL"),
            (tags, TAGS_MAX_CHARS, "tags"),
            (body, BODY_MAX_CHARS, "body"),
        ];
        for (text, max, name) in fields {
            // Chars are at least one byte: most fields end here without counting.
            if text.len() > max && text.chars().count() > max {
                return Err(format!(
                    "The {name} is longer than a post can hold ({max} characters)."
                ));
            }
        }
        Ok(EditorText {
            title: title.to_owned(),
            subtitle: subtitle.to_owned(),
            cover_url: cover_url.to_owned(),
            tags: tags.to_owned(),
            body: body.to_owned(),
        })
    }
}

/// The revision a save says it started from: empty for "do not check" (a client that is not
/// the editor), else the number the editor was given.
pub fn parse_base_revision(raw: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err("The editor sent a revision this post never had. Reload the page.".into()),
    }
}

/// A draft copy nobody saved, offered back when its writer opens the editor again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutosavedText {
    pub title: String,
    pub subtitle: String,
    pub cover_url: String,
    pub tags: String,
    pub body: String,
    /// The post's revision it started from (none for a new post): a save of the restored
    /// text is refused if the post was saved since, as any stale save is.
    pub base_revision: Option<i64>,
    /// When it was saved, for people: "6 Dec 2026, 21:40 UTC".
    pub saved_at: String,
    /// The same, in milliseconds since 1970, for the browser to tell whether its own copy is
    /// newer.
    pub saved_at_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_written_text_is_kept_and_oversized_text_refused() {
        let text = EditorText::parse("", "", "", "", "The first line").unwrap();
        assert_eq!(text.body, "The first line");
        assert!(text.title.is_empty());
        let long_title = "é".repeat(PostTitle::MAX_CHARS);
        assert!(EditorText::parse(&long_title, "", "", "", "").is_ok());
        let too_long = "x".repeat(PostTitle::MAX_CHARS + 1);
        let err = EditorText::parse(&too_long, "", "", "", "").unwrap_err();
        assert!(err.contains("title"), "{err}");
        let body = "x".repeat(BODY_MAX_CHARS + 1);
        assert!(EditorText::parse("", "", "", "", &body).is_err());
    }

    #[test]
    fn a_base_revision_is_a_positive_number_or_nothing() {
        assert_eq!(parse_base_revision(""), Ok(None));
        assert_eq!(parse_base_revision(" 3 "), Ok(Some(3)));
        assert!(parse_base_revision("0").is_err());
        assert!(parse_base_revision("-2").is_err());
        assert!(parse_base_revision("three").is_err());
    }
}
