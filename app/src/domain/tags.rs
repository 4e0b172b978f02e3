//! Tags: typed by the admin as a comma-separated list, shown as links to their pages.

use serde::{Deserialize, Serialize};

/// A tag's page: the tag and a page of its posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaggedPosts {
    pub tag: Tag,
    pub posts: super::PostPage,
}

/// A tag as shown: its name and the address of its page (`/tags/<slug>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tag {
    pub slug: String,
    pub name: String,
}

impl Tag {
    pub const MAX_CHARS: usize = 40;
    /// Tags on one post.
    pub const MAX_PER_POST: usize = 10;

    /// One tag name: trimmed, 1 to 40 characters, no control characters, and at least one
    /// letter or digit (its address is made of those).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "Keep each tag to {} characters or fewer.",
                Self::MAX_CHARS
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("Tags cannot contain control characters.".into());
        }
        let slug = slug_of(&name);
        if slug.is_empty() {
            return Err(format!("“{name}” needs a letter or digit to be a tag."));
        }
        Ok(Tag { slug, name })
    }

    pub fn href(&self) -> String {
        format!("/tags/{}", self.slug)
    }
}

/// "Web Dev!" → "web-dev": lowercase letters and digits, words joined by single hyphens.
fn slug_of(name: &str) -> String {
    // Lowercase first: lowercasing can make marks that are not letters ("İ" is "i" and a
    // combining dot), and splitting afterwards keeps `slug_of(slug_of(x)) == slug_of(x)`.
    let lower = name.to_lowercase();
    let mut slug = String::new();
    for word in lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    slug.chars()
        .take(Tag::MAX_CHARS)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// The editor's "Tags" field: names separated by commas, blanks skipped, the same tag
/// (by address) kept once, at most [`Tag::MAX_PER_POST`].
pub fn parse_tags(raw: &str) -> Result<Vec<Tag>, String> {
    let mut tags: Vec<Tag> = Vec::new();
    for part in raw.split(',').filter(|p| !p.trim().is_empty()) {
        let tag = Tag::parse(part)?;
        if !tags.iter().any(|t| t.slug == tag.slug) {
            tags.push(tag);
        }
    }
    if tags.len() > Tag::MAX_PER_POST {
        return Err(format!("Use at most {} tags.", Tag::MAX_PER_POST));
    }
    Ok(tags)
}

/// Tags back into the editor's field.
pub fn tags_field(tags: &[Tag]) -> String {
    tags.iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `raw` could be a tag's address (checked before any query).
pub fn is_tag_slug(raw: &str) -> bool {
    !raw.is_empty() && raw.chars().count() <= Tag::MAX_CHARS && raw == slug_of(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_addresses() {
        let tag = Tag::parse("  Web   Dev! ").unwrap();
        assert_eq!(
            (tag.name.as_str(), tag.slug.as_str()),
            ("Web Dev!", "web-dev")
        );
        assert_eq!(Tag::parse("Ünïcode 東京").unwrap().slug, "ünïcode-東京");
        assert!(Tag::parse("!!!").is_err());
        assert!(Tag::parse(&"x".repeat(41)).is_err());
        assert!(Tag::parse("a\u{0}b").is_err());
        // Found by fuzzing: lowercasing "İ" adds a combining mark; its page must be reachable.
        let dotted = Tag::parse("İstanbul").unwrap();
        assert!(is_tag_slug(&dotted.slug), "{:?}", dotted.slug);
    }

    #[test]
    fn a_list_is_split_deduplicated_and_capped() {
        let tags = parse_tags("Rust, rust ,, web dev, Web-Dev").unwrap();
        let slugs: Vec<_> = tags.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, ["rust", "web-dev"]);
        assert_eq!(tags_field(&tags), "Rust, web dev");
        assert_eq!(parse_tags("").unwrap(), vec![]);
        let many: Vec<String> = (0..11).map(|n| format!("t{n}")).collect();
        assert!(parse_tags(&many.join(",")).is_err());
    }

    #[test]
    fn only_well_formed_addresses_are_looked_up() {
        assert!(is_tag_slug("web-dev"));
        for bad in ["", "Web", "a--b", "-a", "a b", "<script>", "a/b"] {
            assert!(!is_tag_slug(bad), "{bad}");
        }
    }
}
