use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A post title: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostTitle(String);

impl PostTitle {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let title = raw.trim();
        if title.is_empty() {
            return Err("A title is required.".into());
        }
        if title.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "Keep the title to {} characters or fewer.",
                Self::MAX_CHARS
            ));
        }
        if title.chars().any(char::is_control) {
            return Err("The title cannot contain control characters.".into());
        }
        Ok(PostTitle(title.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The URL name of a post: lowercase letters, digits and single hyphens, 1 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub const MAX_CHARS: usize = 80;

    /// Derives a slug from a title. Letters outside ASCII are kept (lowercased), so titles in
    /// any script still get a readable URL; everything else becomes a hyphen.
    pub fn from_title(title: &PostTitle) -> Self {
        let mut slug = String::new();
        for c in title.as_str().chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let mut slug: String = slug.chars().take(Self::MAX_CHARS).collect();
        while slug.ends_with('-') {
            slug.pop();
        }
        if slug.is_empty() {
            // A title of only punctuation or emoji still needs a URL.
            slug.push_str("post");
        }
        Slug(slug)
    }

    /// Parses a slug taken from a URL.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let valid = !raw.is_empty()
            && raw.chars().count() <= Self::MAX_CHARS
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--")
            && raw
                .chars()
                .all(|c| c == '-' || (c.is_alphanumeric() && !c.is_uppercase()));
        if valid {
            Ok(Slug(raw.to_owned()))
        } else {
            Err("That is not a valid post address.".into())
        }
    }

    /// The same slug with a numeric suffix, to tell apart two posts whose titles slug alike.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let keep = Self::MAX_CHARS - suffix.len();
        let mut base: String = self.0.chars().take(keep).collect();
        while base.ends_with('-') {
            base.pop();
        }
        Slug(base + &suffix)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A post as listed on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub author_name: String,
    pub published_at: DateTime<Utc>,
}

impl PostSummary {
    /// The date as readers of the original blog saw it: "August 31, 2019" (in UTC, so the
    /// server's and the browser's renderings agree).
    pub fn display_date(&self) -> String {
        self.published_at.format("%B %-d, %Y").to_string()
    }
}

/// One page of the post listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPage {
    pub posts: Vec<PostSummary>,
    pub page: u32,
    pub has_newer: bool,
    pub has_older: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(s: &str) -> PostTitle {
        PostTitle::parse(s).unwrap()
    }

    #[test]
    fn titles_are_trimmed_and_required() {
        assert_eq!(title("  Hello  ").as_str(), "Hello");
        assert!(PostTitle::parse("   ").is_err());
        assert!(PostTitle::parse("").is_err());
    }

    #[test]
    fn titles_have_a_length_limit_in_characters() {
        assert!(PostTitle::parse(&"é".repeat(200)).is_ok());
        assert!(PostTitle::parse(&"é".repeat(201)).is_err());
    }

    #[test]
    fn titles_reject_control_characters() {
        assert!(PostTitle::parse("a\u{0}b").is_err());
        assert!(PostTitle::parse("line\nbreak").is_err());
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            Slug::from_title(&title("The Life of Cactus!")).as_str(),
            "the-life-of-cactus"
        );
        assert_eq!(
            Slug::from_title(&title("  Rust -- & SQL? ")).as_str(),
            "rust-sql"
        );
        assert_eq!(Slug::from_title(&title("Ça va, Zoë")).as_str(), "ça-va-zoë");
        assert_eq!(Slug::from_title(&title("!!!")).as_str(), "post");
    }

    #[test]
    fn slugs_are_capped_without_a_trailing_hyphen() {
        let long = "word ".repeat(40);
        let slug = Slug::from_title(&title(&long));
        assert!(slug.as_str().chars().count() <= Slug::MAX_CHARS);
        assert!(!slug.as_str().ends_with('-'));
    }

    #[test]
    fn derived_slugs_parse() {
        for t in ["Hello, World", "Ça va", "x", "A  b  c"] {
            let slug = Slug::from_title(&title(t));
            assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()), "{t}");
        }
    }

    #[test]
    fn parse_rejects_what_from_title_never_makes() {
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "a/b", "../x", "a%20b"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn suffixes_keep_slugs_within_the_limit() {
        let base = Slug::parse(&"a".repeat(80)).unwrap();
        let suffixed = base.with_suffix(12);
        assert!(suffixed.as_str().ends_with("-12"));
        assert_eq!(suffixed.as_str().chars().count(), 80);
        assert_eq!(
            Slug::parse("hello").unwrap().with_suffix(2).as_str(),
            "hello-2"
        );
    }

    #[test]
    fn dates_read_like_the_original_blog() {
        let post = PostSummary {
            slug: "s".into(),
            title: "t".into(),
            subtitle: String::new(),
            author_name: "a".into(),
            published_at: "2019-08-31T23:30:00Z".parse().unwrap(),
        };
        assert_eq!(post.display_date(), "August 31, 2019");
    }
}
