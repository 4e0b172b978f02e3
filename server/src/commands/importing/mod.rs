//! What every importer (Markdown, WordPress, Ghost) brings in, and the one way it is written:
//! read and checked first, then one transaction — accounts, images, posts with their tags,
//! comments and old addresses — so a failure, or `--dry-run`, leaves the blog as it was.

mod images;

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{bail, Context as _};
use app::db::{self, images::NewImage, import::ImportedComment, import::ImportedPost, Db};
use app::domain::{
    parse_subtitle, BodyFormat, CommentStatus, Email, OldAddress, PostTitle, Role, Slug, Tag,
    UserName,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};

pub use images::Images;

/// Accounts made for authors and commenters without an address of their own are under this
/// name, which can never receive mail: they log in only once an admin sets a password
/// (`quire admin set-password`).
pub const PLACEHOLDER_DOMAIN: &str = "import.invalid";

pub struct PlannedPost {
    /// Where it came from, for messages: a file, or "post 123".
    pub file: String,
    pub title: PostTitle,
    pub subtitle: String,
    pub slug: Slug,
    pub body: String,
    pub format: BodyFormat,
    pub cover: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub tags: Vec<Tag>,
    /// A key of [`Plan::people`] (else a name, for a placeholder account).
    pub author: String,
    pub comments: Vec<PlannedComment>,
    /// Its addresses on the old blog, to redirect to it.
    pub old_addresses: Vec<OldAddress>,
}

pub struct PlannedComment {
    /// As [`PlannedPost::author`].
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub body: String,
    pub format: BodyFormat,
    pub status: CommentStatus,
}

pub struct PlannedImage {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub size: Option<(u32, u32)>,
    /// The author of the first post that uses it, recorded as its uploader.
    pub author: String,
}

/// Someone the import names who has an address (a WordPress or Ghost author).
pub struct Person {
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
}

impl Person {
    /// An author of the old blog: their name (else `fallback`), their address, and the admin
    /// role when it is `admin`'s.
    pub fn author(name: &str, fallback: &str, email: &str, admin: Option<&str>) -> Person {
        let name = fit(&without_controls(name), UserName::MAX_CHARS);
        let email = email.trim();
        Person {
            name: if name.is_empty() {
                fallback.to_owned()
            } else {
                name
            },
            email: (!email.is_empty()).then(|| email.to_owned()),
            role: if admin.is_some_and(|a| a.eq_ignore_ascii_case(email)) {
                Role::Admin
            } else {
                Role::Reader
            },
        }
    }
}

/// The problem with `--admin EMAIL` when no author of the export has that address.
pub fn unknown_admin<'e>(
    admin: Option<&str>,
    emails: impl Iterator<Item = &'e str> + Clone,
) -> Option<String> {
    let admin = admin?;
    if emails.clone().any(|e| e.trim().eq_ignore_ascii_case(admin)) {
        return None;
    }
    let known: Vec<&str> = emails.collect();
    Some(format!(
        "--admin {admin}: no author of the export has that address (they are: {})",
        known.join(", ")
    ))
}

/// The text of an export file, and its name for messages.
pub fn read_export(file: &std::path::Path) -> anyhow::Result<(String, String)> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("could not read {}", file.display()))?;
    Ok((text, file.display().to_string()))
}

/// Refuses a `--fetch-images` that is not a folder, naming what to give instead.
pub fn check_images_folder(dir: Option<&std::path::Path>, what: &str) -> anyhow::Result<()> {
    if let Some(dir) = dir {
        anyhow::ensure!(
            dir.is_dir(),
            "--fetch-images {}: not a folder (give the copy of {what})",
            dir.display()
        );
    }
    Ok(())
}

#[derive(Default)]
pub struct Plan {
    pub posts: Vec<PlannedPost>,
    /// By SHA-256.
    pub images: BTreeMap<String, PlannedImage>,
    /// People by the key posts and comments name them with; anyone else named gets a
    /// placeholder account under their name.
    pub people: BTreeMap<String, Person>,
    /// Files with neither a date nor `draft: true`: published as of the import.
    pub undated: Vec<String>,
    pub problems: Vec<String>,
}

/// What every import command takes besides its source.
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// Check everything and say what would be imported, changing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the blog's posts (and their comments) first, instead of refusing a blog that
    /// has some.
    #[arg(long)]
    pub replace: bool,
}

pub struct Write<'a> {
    pub target: Target,
    /// Keys already bound to an account (`--author EMAIL`).
    pub fixed: HashMap<String, i64>,
    /// Where the problems were found, for the message that refuses: a folder or a file.
    pub source: &'a str,
}

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    pub posts: usize,
    pub drafts: usize,
    pub comments: usize,
    pub images: usize,
    pub accounts: usize,
    pub old_addresses: usize,
}

/// Writes `plan` in one transaction; refuses (writing nothing) when it has problems, or when
/// the blog has posts and `replace` is off. Shows progress, then says what was written.
pub async fn write(db: &Db, plan: &Plan, options: Write<'_>) -> anyhow::Result<Written> {
    let accounts_wanted = accounts_wanted(plan);
    let mut problems = plan.problems.clone();
    let mut people = Vec::new();
    for key in accounts_wanted {
        if options.fixed.contains_key(&key) {
            continue;
        }
        match person_account(plan, &key) {
            Ok(account) => people.push((key, account)),
            Err(why) => problems.push(why),
        }
    }
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("  {problem}");
        }
        bail!(
            "{} problems in {}: nothing was imported",
            problems.len(),
            options.source
        );
    }

    let mut tx = db
        .begin_write()
        .await
        .context("could not open the database")?;
    let existing = db::import::post_count(&mut tx).await?;
    if existing > 0 && !options.target.replace {
        bail!(
            "this blog has {existing} posts: import into an empty blog, or pass --replace to \
             delete them first"
        );
    }
    if options.target.replace {
        db::import::delete_posts(&mut tx).await?;
    }
    let mut accounts = options.fixed.clone();
    for (key, (name, email, role)) in &people {
        let id = db::import::account(&mut tx, name, email, *role).await?;
        accounts.insert(key.clone(), id);
    }
    let account = |key: &str| accounts.get(key).copied().unwrap_or_default();
    for (sha256, image) in &plan.images {
        let stored = NewImage {
            sha256,
            content_type: image.content_type,
            bytes: &image.bytes,
            width: image.size.map(|s| s.0),
            height: image.size.map(|s| s.1),
            uploader_id: account(&image.author),
        };
        db::images::store_in(&mut tx, &stored).await?;
    }

    let mut progress = super::progress::Progress::rows(plan.posts.len() as u64);
    progress.table("posts");
    let mut written = Written {
        posts: plan.posts.len(),
        images: plan.images.len(),
        accounts: accounts.len(),
        ..Written::default()
    };
    for post in &plan.posts {
        written.drafts += usize::from(post.published_at.is_none());
        let id = db::import::insert_post(
            &mut tx,
            &ImportedPost {
                author_id: account(&post.author),
                title: &post.title,
                subtitle: &post.subtitle,
                slug: &post.slug,
                body: &post.body,
                body_format: post.format,
                cover_url: post.cover.as_deref(),
                published_at: post.published_at,
            },
        )
        .await
        .with_context(|| format!("{}: could not be saved", post.file))?;
        db::tags::set_for_post(&mut tx, id, &post.tags).await?;
        for comment in &post.comments {
            let row = ImportedComment {
                post_id: id,
                author_id: account(&comment.author),
                body: &comment.body,
                body_format: comment.format,
                status: comment.status,
                created_at: comment.created_at,
            };
            db::import::insert_comment(&mut tx, &row).await?;
            written.comments += 1;
        }
        for address in &post.old_addresses {
            db::import::old_address(&mut tx, address, id).await?;
            written.old_addresses += 1;
        }
        progress.advance(1);
    }
    progress.done("posts", plan.posts.len() as u64);
    progress.finish();

    println!(
        "{} posts ({} drafts), {} images, {} comments, {} authors and commenters",
        written.posts, written.drafts, written.images, written.comments, written.accounts
    );
    if !plan.undated.is_empty() {
        println!(
            "Published as of now, having neither a date nor `draft: true`: {}",
            plan.undated.join(", ")
        );
    }
    // Each imported post as it arrived is its first revision, to go back to after edits.
    db::revisions::record_missing(&mut tx).await?;
    if options.target.dry_run {
        tx.rollback().await.context("could not undo the dry run")?;
        println!("Dry run: nothing was changed.");
    } else {
        tx.commit().await.context("could not save the import")?;
    }
    Ok(written)
}

/// Every key a post, comment or image names, once.
fn accounts_wanted(plan: &Plan) -> std::collections::BTreeSet<String> {
    plan.posts
        .iter()
        .flat_map(|p| {
            std::iter::once(p.author.clone()).chain(p.comments.iter().map(|c| c.author.clone()))
        })
        .collect()
}

/// The account a key stands for: a person's, or a placeholder under the key as a name.
fn person_account(plan: &Plan, key: &str) -> Result<(UserName, Email, Role), String> {
    let (name, email, role) = match plan.people.get(key) {
        Some(person) => (
            person.name.as_str(),
            person
                .email
                .clone()
                .unwrap_or_else(|| placeholder_email(&person.name)),
            person.role,
        ),
        None => (key, placeholder_email(key), Role::Reader),
    };
    let parsed = UserName::parse(name).map_err(|why| format!("the name {name:?}: {why}"))?;
    let email =
        Email::parse(&email).map_err(|why| format!("the address of {name:?} ({email}): {why}"))?;
    Ok((parsed, email, role))
}

/// The address of the account made for `name`: readable, and unique per exact name.
pub fn placeholder_email(name: &str) -> String {
    let mut local: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    local.truncate(40);
    let local = local.trim_matches('-');
    let tag = hex::encode(&Sha256::digest(name.as_bytes())[..4]);
    if local.is_empty() {
        format!("author-{tag}@{PLACEHOLDER_DOMAIN}")
    } else {
        format!("{local}-{tag}@{PLACEHOLDER_DOMAIN}")
    }
}

/// A date as the exports write them: RFC 3339 (Hugo, Ghost's API), a day, or a day and a
/// time, UTC unless it says otherwise (WordPress' `post_date_gmt`, Ghost on SQLite). `None`
/// for what is not one, WordPress' zero date (`0000-00-00 00:00:00`) included.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
    ] {
        if let Ok(at) = DateTime::parse_from_str(raw, format) {
            return Some(at.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(at.and_utc());
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
}

/// A subtitle from an excerpt: its text (markup dropped, entities decoded) on one line, at
/// most 300 characters.
pub fn subtitle(excerpt: &str) -> String {
    let text = app::render::text_of_html(excerpt);
    let text = without_controls(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    parse_subtitle(&shorten(&text, 300)).unwrap_or_default()
}

/// Titles and addresses taken so far in an import: both are unique in Quire.
#[derive(Default)]
pub struct Taken {
    titles: HashSet<String>,
    slugs: HashSet<String>,
}

impl Taken {
    /// A valid title not taken yet for `raw` (`untitled` when it has none, shortened when
    /// too long, numbered when taken), and why it differs from `raw`, if it does.
    pub fn title(&mut self, raw: &str, untitled: &str) -> (PostTitle, Option<String>) {
        let cleaned = without_controls(raw).trim().to_owned();
        let (mut title, mut why) = if cleaned.is_empty() {
            (untitled.to_owned(), Some("it has no title".to_owned()))
        } else if cleaned.chars().count() > PostTitle::MAX_CHARS {
            let why = format!(
                "its title is {} characters and Quire allows {}",
                cleaned.chars().count(),
                PostTitle::MAX_CHARS
            );
            (shorten(&cleaned, PostTitle::MAX_CHARS), Some(why))
        } else if cleaned != raw.trim() {
            (cleaned, Some("its title has control characters".to_owned()))
        } else {
            (cleaned, None)
        };
        if self.titles.contains(&title) {
            let base = title.clone();
            title = (2..)
                .map(|n| {
                    let suffix = format!(" ({n})");
                    shorten(&base, PostTitle::MAX_CHARS - suffix.chars().count()) + &suffix
                })
                .find(|candidate| !self.titles.contains(candidate))
                .expect("a free title");
            why = Some(format!("another post has the title {base:?}"));
        }
        self.titles.insert(title.clone());
        let parsed = PostTitle::parse(&title).expect("made valid above");
        let why = why.map(|why| format!("{why}: imported as {title:?}"));
        (parsed, why)
    }

    /// `wanted` when it is a valid address not taken yet, else one made from the title
    /// (numbered when taken), and why it differs from `wanted`, if it does.
    pub fn slug(&mut self, wanted: &str, title: &PostTitle) -> (Slug, Option<String>) {
        let (base, mut why) = match Slug::parse(wanted) {
            Ok(slug) => (slug, None),
            Err(_) if wanted.is_empty() => (Slug::from_title(title), None),
            Err(_) => (
                Slug::from_title(title),
                Some(format!("its address {wanted:?} is not one Quire makes")),
            ),
        };
        let slug = if self.slugs.contains(base.as_str()) {
            why = Some(format!(
                "another post has the address /posts/{}",
                base.as_str()
            ));
            (2..)
                .map(|n| base.with_suffix(n))
                .find(|s| !self.slugs.contains(s.as_str()))
                .expect("a free slug")
        } else {
            base
        };
        self.slugs.insert(slug.as_str().to_owned());
        let why = why.map(|why| format!("{why}: it is at /posts/{}", slug.as_str()));
        (slug, why)
    }
}

/// `raw` with each control character (a tab, a line break) made a space.
pub fn without_controls(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// At most `max` characters, cut at a word when one ends near the limit, with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max - 1).collect();
    let cut = match head.rfind(char::is_whitespace) {
        Some(space) if head[space..].chars().count() < 30 => head[..space].trim_end(),
        _ => head.trim_end(),
    };
    format!("{cut}…")
}

/// At most `max` characters, trimmed.
pub fn fit(text: &str, max: usize) -> String {
    text.trim()
        .chars()
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// First segments of Quire's own pages: an old address there would never be asked for.
const QUIRE_PAGES: &[&str] = &[
    "about",
    "account",
    "admin",
    "api",
    "authors",
    "contact",
    "feed.xml",
    "images",
    "login",
    "pkg",
    "post",
    "posts",
    "register",
    "robots.txt",
    "rss.xml",
    "search",
    "sitemap.xml",
    "subscribe",
    "tags",
    "v",
];

/// Whether `address` is one of Quire's own pages (`/about`), which a redirect cannot take.
pub fn is_quire_page(address: &OldAddress) -> bool {
    let first = address.as_str()[1..]
        .split(['/', '?'])
        .next()
        .unwrap_or_default();
    QUIRE_PAGES.contains(&first)
}

/// What a platform importer is told besides its export.
pub struct Settings<'a> {
    /// The author (by address) who becomes an admin.
    pub admin: Option<&'a str>,
    /// A copy of the old site's uploads, to take images from.
    pub images: Option<&'a std::path::Path>,
}

/// How many changes the report lists (`--dry-run` lists every one).
const SHOWN_CHANGES: usize = 50;

/// What the export had that Quire does not carry, or carries differently.
#[derive(Debug, Default)]
pub struct Notes {
    /// Items skipped, by WordPress type and status ("attachment", "trash").
    pub skipped: BTreeMap<String, usize>,
    /// Comments skipped, by why ("spam", "trash", "pingback").
    pub comments_skipped: BTreeMap<String, usize>,
    pub pages: usize,
    pub replies: usize,
    /// One line per post that changed on the way.
    pub changes: Vec<String>,
}

/// What came over differently, and what stayed behind.
impl Notes {
    /// Prints the report; every change when `all` (a dry run), else the first ones.
    pub fn print(&self, old_addresses: usize, all: bool) {
        let shown = if all { usize::MAX } else { SHOWN_CHANGES };
        println!("{old_addresses} old addresses now redirect to their posts.");
        if self.pages > 0 {
            println!(
                "{} pages came in as posts (Quire has no pages yet).",
                self.pages
            );
        }
        if self.replies > 0 {
            println!(
                "{} replies are shown among the comments in date order (Quire has no threads yet).",
                self.replies
            );
        }
        let list = |counts: &std::collections::BTreeMap<String, usize>| {
            counts
                .iter()
                .map(|(what, n)| format!("{n} {what}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.skipped.is_empty() {
            println!("Not imported: {}.", list(&self.skipped));
        }
        if !self.comments_skipped.is_empty() {
            println!("Comments not imported: {}.", list(&self.comments_skipped));
        }
        if !self.changes.is_empty() {
            println!("Changed on the way:");
            for change in self.changes.iter().take(shown) {
                println!("  {change}");
            }
            if self.changes.len() > shown {
                println!(
                    "  … and {} more (--dry-run lists them all)",
                    self.changes.len() - shown
                );
            }
        }
    }
}
