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

/// The URL name of a post: letters and digits as lowercasing leaves them, and single hyphens,
/// 1 to 80 characters.
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

    /// Parses a slug taken from a URL: exactly the slugs [`Slug::from_title`] can make.
    pub fn parse(raw: &str) -> Result<Self, String> {
        // "Unchanged by lowercasing" rather than "not uppercase": some uppercase letters have
        // no lowercase (`ⅅ`, `𝐁`) and `from_title` keeps them; titlecase letters (`ǅ`) are not
        // uppercase but `from_title` never makes them.
        let valid = !raw.is_empty()
            && raw.chars().count() <= Self::MAX_CHARS
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--")
            && raw
                .chars()
                .all(|c| c == '-' || (c.is_alphanumeric() && c.to_lowercase().eq([c])));
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

/// A post's subtitle: trimmed, at most 300 characters, may be empty.
pub fn parse_subtitle(raw: &str) -> Result<String, String> {
    let subtitle = raw.trim();
    if subtitle.chars().count() > 300 {
        return Err("Keep the subtitle to 300 characters or fewer.".into());
    }
    if subtitle.chars().any(char::is_control) {
        return Err("The subtitle cannot contain control characters.".into());
    }
    Ok(subtitle.to_owned())
}

/// A cover image address: empty for none, an uploaded image of this site
/// (`/images/<sha256>.<ext>`), or an absolute http(s) URL of at most 2,000 characters
/// without spaces or quotes.
pub fn parse_cover_url(raw: &str) -> Result<Option<String>, String> {
    let url = raw.trim();
    if url.is_empty() {
        return Ok(None);
    }
    if super::is_image_path(url) {
        return Ok(Some(url.to_owned()));
    }
    let lower = url.to_ascii_lowercase();
    let host_part = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match host_part {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => {}
        _ => {
            return Err(
                "Use an address starting with https:// or http://, or an uploaded image's /images/… address."
                    .into(),
            )
        }
    }
    if url.chars().count() > 2000 {
        return Err("That address is too long.".into());
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\'))
    {
        return Err("The address cannot contain spaces, quotes or angle brackets.".into());
    }
    Ok(Some(url.to_owned()))
}

/// How a body is written: Markdown (whatever is typed in Quire), or HTML (what a Flask blog's
/// CKEditor stored, kept as it was by `quire import-flask`). Either is sanitized when shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BodyFormat {
    #[default]
    Markdown,
    Html,
}

impl BodyFormat {
    /// The database's spelling (`body_format` columns).
    pub fn as_str(self) -> &'static str {
        match self {
            BodyFormat::Markdown => "markdown",
            BodyFormat::Html => "html",
        }
    }

    /// Reads the database's or a form's spelling; anything else is Markdown, which renders
    /// the text safely whatever it holds.
    pub fn parse(raw: &str) -> BodyFormat {
        if raw == "html" {
            BodyFormat::Html
        } else {
            BodyFormat::Markdown
        }
    }
}

/// For reading `body_format` columns straight into the type (`#[sqlx(try_from = "String")]`).
impl From<String> for BodyFormat {
    fn from(raw: String) -> BodyFormat {
        BodyFormat::parse(&raw)
    }
}

/// The longest post body (and About text), in characters.
pub const BODY_MAX_CHARS: usize = 100_000;

/// A post body in Markdown: required, at most [`BODY_MAX_CHARS`]. Kept exactly as written.
pub fn parse_body(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err("Write something in the body.".into());
    }
    check_body_length(raw)?;
    check_text_characters(raw)?;
    Ok(raw.to_owned())
}

/// Multi-line text may hold line breaks and tabs but no other control characters: they are
/// invisible, no one types them, and PostgreSQL refuses NUL in text outright.
pub fn check_text_characters(raw: &str) -> Result<(), String> {
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err("Remove the invisible control characters (such as NUL) from the text.".into());
    }
    Ok(())
}

/// The length rule alone, for the editor's preview (which may be empty).
pub fn check_body_length(raw: &str) -> Result<(), String> {
    if raw.chars().count() > BODY_MAX_CHARS {
        return Err("Keep the body to 100,000 characters or fewer.".into());
    }
    Ok(())
}

/// A comment: required, at most 5,000 characters.
pub fn parse_comment(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Write a comment first.".into());
    }
    if text.chars().count() > 5000 {
        return Err("Keep comments to 5,000 characters or fewer.".into());
    }
    check_text_characters(text)?;
    Ok(text.to_owned())
}

/// A post as shown on its page. `body_html` is rendered and sanitized on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub author_name: String,
    /// Named after the author in the byline, in order.
    pub coauthors: Vec<Author>,
    pub cover_url: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The post's absolute address (canonical link, OpenGraph, JSON-LD).
    pub url: String,
    pub author_id: i64,
    pub reading_minutes: u32,
    pub status: super::PostStatus,
    /// The private link that shows it before it is published: for those who may change it.
    pub preview_url: Option<String>,
    pub tags: Vec<super::Tag>,
    pub body_html: String,
    /// One page of comments (see `db::comments::page_for_post`), oldest first.
    pub comments: Vec<CommentView>,
    /// Which page of comments this is: 1 holds the newest.
    pub comment_page: u32,
    /// Whether older comments are on page `comment_page + 1`.
    pub earlier_comments: bool,
    /// The post's visible comments, counted over every page.
    pub visible_comments: i64,
    /// The series it is a part of: its number there and the parts around it.
    pub series: Option<super::SeriesNav>,
}

impl PostView {
    /// Whether `me` may edit (and delete) it: its "Edit post" links. The server decides
    /// again when they are followed.
    pub fn changeable_by(&self, me: &super::CurrentUser) -> bool {
        let coauthor_ids: Vec<i64> = self.coauthors.iter().map(|a| a.id).collect();
        let ownership = super::PostOwnership {
            author_id: self.author_id,
            coauthor_ids: &coauthor_ids,
            published: self.status != super::PostStatus::Draft,
        };
        super::may_change_post(me.role, me.id, &ownership)
    }

    pub fn display_date(&self) -> Option<String> {
        self.published_at
            .map(|d| d.format("%B %-d, %Y").to_string())
    }
}

/// A commenter's picture: Gravatar's, or their name's initial on one of [`Avatar::TONES`]
/// colours picked by their account (no request to anyone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Avatar {
    Gravatar(String),
    Initial { letter: String, tone: u8 },
}

impl Avatar {
    /// Background colours the stylesheet has (`.avatar-tone-0` …).
    pub const TONES: u8 = 8;

    pub fn initial(name: &str, author_id: i64) -> Avatar {
        let letter = name
            .chars()
            .find(|c| c.is_alphanumeric())
            .map_or_else(|| "?".to_owned(), |c| c.to_uppercase().collect());
        // `rem_euclid` of a positive modulus is in 0..TONES.
        let tone = author_id.rem_euclid(i64::from(Self::TONES)) as u8;
        Avatar::Initial { letter, tone }
    }
}

/// A comment as shown under a post. The author's email never leaves the server: only the
/// Gravatar address made from its hash does, when Gravatar is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub author_name: String,
    pub avatar: Avatar,
    pub created_at: DateTime<Utc>,
    pub body_html: String,
    /// Hidden and pending comments reach only those allowed to see them, marked as such.
    pub status: super::CommentStatus,
    /// Whether the viewer may delete it (its author, or the admin).
    pub can_delete: bool,
    /// Whether the viewer may hide, show or approve it (the admin).
    pub can_moderate: bool,
    /// The comment it answers; `None` for one that opens a thread.
    pub parent_id: Option<i64>,
    /// The replies shown under it, oldest first (a reply has none).
    pub replies: Vec<CommentView>,
}

/// A post's fields as the editor shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostDraft {
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub cover_url: String,
    pub body: String,
    /// Markdown for every post written in Quire; HTML for one imported from a Flask blog.
    pub body_format: BodyFormat,
    /// `published`, `draft`, `scheduled` (`PostStatus::as_str`) or `review` (a draft
    /// submitted for review); empty for a new post.
    pub status: String,
    /// Whether the caller may publish it (else the editor offers "Draft" and "Submit for
    /// review" only).
    pub can_publish: bool,
    /// Whether the caller may mail it to the subscribers.
    pub can_mail: bool,
    /// The "Series" field: the name of the series it is a part of; and "Part", its number.
    pub series: String,
    pub part: String,
    /// For a scheduled post, when (`format_publish_at`).
    pub publish_at: String,
    /// The "Tags" field: names separated by commas.
    pub tags: String,
    /// The "Co-authors" field: their account emails, separated by commas.
    pub coauthors: String,
    /// Mailing it to the subscribers: empty (not asked), `wanted` (once it is out) or
    /// `queued` (done: no edit mails it again).
    pub newsletter: String,
    /// For a mailed post: its mails waiting, sent, and refused for good.
    pub mailings: (i64, i64, i64),
    /// The revision shown (0 for a new post): a save says so, and one made from an older
    /// revision than the post's is refused rather than overwriting the newer one.
    pub revision: i64,
    /// The caller's own draft copy of this post (or of a new one), when it differs from
    /// what is saved: the editor offers it back.
    pub autosave: Option<super::AutosavedText>,
}

impl PostDraft {
    /// The draft with its text fields (and the revision the copy started from) taken from
    /// the draft copy, if there is one. The copy stays on it, for the editor to say so.
    pub fn restored(mut self) -> PostDraft {
        if let Some(copy) = self.autosave.clone() {
            self.title = copy.title;
            self.subtitle = copy.subtitle;
            self.cover_url = copy.cover_url;
            self.tags = copy.tags;
            self.body = copy.body;
            self.revision = copy.base_revision.unwrap_or(self.revision);
        }
        self
    }
}

/// A post as listed on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub cover_url: Option<String>,
    pub author_id: i64,
    pub author_name: String,
    /// Named after the author in the byline, in order.
    pub coauthors: Vec<Author>,
    pub published_at: DateTime<Utc>,
    pub tags: Vec<super::Tag>,
    pub reading_minutes: u32,
}

/// The editor's "Co-authors" field: account emails separated by commas, each once, at most
/// ten.
pub fn parse_coauthor_emails(raw: &str) -> Result<Vec<super::Email>, String> {
    let mut emails: Vec<super::Email> = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let email = super::Email::parse(part).map_err(|_| {
            format!("“{part}” is not an email address. Separate addresses with commas.")
        })?;
        if !emails.contains(&email) {
            emails.push(email);
        }
    }
    if emails.len() > 10 {
        return Err("Name at most ten co-authors.".into());
    }
    Ok(emails)
}

/// Someone named in a byline: a link to their author page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub id: i64,
    pub name: String,
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

    #[test]
    fn an_initial_avatar_is_the_first_letter_or_digit_on_a_tone_of_the_account() {
        let letter = |name, id| match Avatar::initial(name, id) {
            Avatar::Initial { letter, tone } => (letter, tone),
            other => panic!("{other:?}"),
        };
        assert_eq!(letter("ada", 3), ("A".to_owned(), 3));
        assert_eq!(letter("  élodie", 9), ("É".to_owned(), 1));
        assert_eq!(letter("«42»", 16), ("4".to_owned(), 0));
        assert_eq!(letter("ß", 7), ("SS".to_owned(), 7));
        assert_eq!(letter("!!", -1), ("?".to_owned(), 7));
    }

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
    fn multi_line_text_keeps_line_breaks_and_tabs_but_no_other_control_characters() {
        assert_eq!(parse_comment("a\r\n\tb").as_deref(), Ok("a\r\n\tb"));
        assert_eq!(parse_body("a\n\tb").as_deref(), Ok("a\n\tb"));
        for bad in ["a\0b", "a\u{1}b", "a\u{7f}b", "a\u{1b}[31mb"] {
            assert!(parse_comment(bad).is_err(), "{bad:?}");
            assert!(parse_body(bad).is_err(), "{bad:?}");
            assert!(crate::domain::parse_message(bad).is_err(), "{bad:?}");
        }
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
    fn derived_slugs_of_letters_without_a_lowercase_parse() {
        // Found by the fuzz target `domain`: `ⅅ` and `𝐁` are uppercase with no lowercase.
        for t in ["ⅅ 0", "𝐁𝐨𝐥𝐝 𝐓𝐢𝐭𝐥𝐞", "ǅ ǈ"] {
            let slug = Slug::from_title(&title(t));
            assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()), "{t}");
        }
        assert_eq!(Slug::from_title(&title("ǅ")).as_str(), "ǆ");
    }

    #[test]
    fn parse_rejects_what_from_title_never_makes() {
        for bad in [
            "", "-a", "a-", "a--b", "A", "ǅ", "a b", "a/b", "../x", "a%20b",
        ] {
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
    fn cover_urls_must_be_absolute_http() {
        assert_eq!(parse_cover_url("  "), Ok(None));
        assert_eq!(
            parse_cover_url(" https://img.example/a.jpg ")
                .unwrap()
                .as_deref(),
            Some("https://img.example/a.jpg")
        );
        for bad in [
            "javascript:alert(1)",
            "data:image/png;base64,xx",
            "/local.png",
            "ftp://x/y",
            "https://",
            "https:///x",
            "https://x/a b",
            "https://x/\"onerror=1",
            "/images/",
            "/images/../etc/passwd",
            "/images/abc.png",
            "//evil.example/images/x.png",
        ] {
            assert!(parse_cover_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn uploaded_images_are_cover_urls_too() {
        let url = format!("/images/{}.png", "0123456789abcdef".repeat(4));
        assert_eq!(
            parse_cover_url(&format!(" {url} ")).unwrap(),
            Some(url.clone())
        );
        assert!(parse_cover_url(&format!("{url}\"onerror=1")).is_err());
        assert!(parse_cover_url(&url.replace(".png", ".svg")).is_err());
    }

    #[test]
    fn co_authors_are_emails_each_once() {
        let emails =
            parse_coauthor_emails(" bob@example.com, Cy@Example.com,bob@example.com ,").unwrap();
        let as_text: Vec<&str> = emails.iter().map(|e| e.as_str()).collect();
        assert_eq!(as_text.len(), 2, "{as_text:?}");
        assert!(parse_coauthor_emails("").unwrap().is_empty());
        let err = parse_coauthor_emails("bob@example.com; cy").unwrap_err();
        assert!(err.contains("not an email address"), "{err}");
        let many: Vec<String> = (0..11).map(|i| format!("p{i}@example.com")).collect();
        assert!(parse_coauthor_emails(&many.join(",")).is_err());
    }

    #[test]
    fn bodies_and_comments_are_required_and_limited() {
        assert!(parse_body("  \n ").is_err());
        assert_eq!(
            parse_body("  # Hi\n").unwrap(),
            "  # Hi\n",
            "kept as written"
        );
        assert!(parse_body(&"x".repeat(100_001)).is_err());
        assert!(parse_comment("   ").is_err());
        assert_eq!(parse_comment(" nice post ").unwrap(), "nice post");
        assert!(parse_comment(&"x".repeat(5001)).is_err());
        assert!(parse_subtitle(&"x".repeat(301)).is_err());
        assert_eq!(parse_subtitle("  sub ").unwrap(), "sub");
    }

    #[test]
    fn dates_read_like_the_original_blog() {
        let post = PostSummary {
            slug: "s".into(),
            title: "t".into(),
            subtitle: String::new(),
            cover_url: None,
            author_id: 1,
            author_name: "a".into(),
            coauthors: Vec::new(),
            published_at: "2019-08-31T23:30:00Z".parse().unwrap(),
            tags: Vec::new(),
            reading_minutes: 1,
        };
        assert_eq!(post.display_date(), "August 31, 2019");
    }
}

/// An author's page: their name and a page of their published posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorPosts {
    pub name: String,
    pub posts: PostPage,
}

/// "4 min read".
pub fn reading_time(minutes: u32) -> String {
    format!("{minutes} min read")
}

/// Where an author's posts are listed.
pub fn author_href(id: i64) -> String {
    format!("/authors/{id}")
}
