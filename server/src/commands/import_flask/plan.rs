//! The rules of the move: each Flask row becomes Quire's row, and everything that does not
//! fit Quire as it is becomes a problem that says what was done about it. Pure: no database,
//! so every rule is tested here.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::commands::importing::{fit, parse_date, shorten, without_controls, Taken};
use app::db::transfer::Value;
use app::domain::{parse_cover_url, BodyFormat, Email, PostTitle, Role, Slug, UserName};
use chrono::{DateTime, NaiveDate, Utc};

/// The columns written, in the order of the values of each planned row.
pub const USER_COLUMNS: &[&str] = &["id", "name", "email", "password_hash", "role", "created_at"];
pub const POST_COLUMNS: &[&str] = &[
    "id",
    "author_id",
    "title",
    "subtitle",
    "slug",
    "body",
    "body_format",
    "cover_url",
    "created_at",
    "updated_at",
    "published_at",
    "preview_token",
];
pub const COMMENT_COLUMNS: &[&str] = &[
    "id",
    "post_id",
    "author_id",
    "body",
    "body_format",
    "created_at",
    "status",
];

/// The password hash of an account that cannot log in (as `quire admin` and the schema use).
const NO_LOGIN: &str = "!";
/// Addresses made up for accounts that need one: `.invalid` can never be a real domain.
const PLACEHOLDER_DOMAIN: &str = "import.invalid";
/// What Quire stores at most in a comment (migration 0010).
const COMMENT_MAX_CHARS: usize = 100_000;

/// Something the importer noticed, and what it did about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub table: &'static str,
    /// The Flask row's id, when it is about one row.
    pub id: Option<i64>,
    pub message: String,
}

impl Problem {
    pub fn new(table: &'static str, id: Option<i64>, message: impl Into<String>) -> Problem {
        Problem {
            table,
            id,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id {
            Some(id) => write!(f, "{} {id}: {}", singular(self.table), self.message),
            None => write!(f, "{}: {}", self.table, self.message),
        }
    }
}

fn singular(table: &str) -> &str {
    match table {
        "users" => "user",
        "posts" => "post",
        "comments" => "comment",
        other => other,
    }
}

/// A Flask user row, as read.
#[derive(Debug, Clone, Default)]
pub struct FlaskUser {
    pub id: i64,
    pub email: Option<String>,
    pub password: Option<String>,
    pub name: Option<String>,
}

/// Who wrote a post: the final course's `author_id`, or an early lesson's `author` name.
#[derive(Debug, Clone)]
pub enum FlaskAuthor {
    Id(Option<String>),
    Name(Option<String>),
}

#[derive(Debug, Clone)]
pub struct FlaskPost {
    pub id: i64,
    pub author: FlaskAuthor,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub date: Option<String>,
    pub body: Option<String>,
    pub img_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FlaskComment {
    pub id: i64,
    pub text: Option<String>,
    pub author_id: Option<String>,
    pub post_id: Option<String>,
}

/// A row that cannot be read for what it says it is: the import stops (a dry run lists it
/// and goes on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged(pub Problem);

/// An account the import had to make up: for posts whose author has no account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Placeholder {
    /// A Flask user id that no `users` row has.
    MissingUser(i64),
    /// An early lesson's author name that matches no account.
    AuthorName(String),
}

pub struct Planner {
    now: DateTime<Utc>,
    emails: HashMap<String, i64>,
    user_ids: HashSet<i64>,
    names: HashMap<String, Vec<i64>>,
    next_made_up_id: i64,
    made_up: HashMap<Placeholder, i64>,
    /// Accounts made up while planning the current row, to write before it.
    pending_users: Vec<Vec<Value>>,
    admins: Vec<String>,
    titles: Taken,
    slugs: HashMap<String, i64>,
    post_dates: HashMap<i64, DateTime<Utc>>,
    last_date: Option<DateTime<Utc>>,
    pub problems: Vec<Problem>,
}

impl Planner {
    /// `max_user_id`: the highest id in the Flask `users` table (0 without one); accounts
    /// made up by the import are numbered after it, so every Flask id stays as it was.
    pub fn new(now: DateTime<Utc>, max_user_id: i64) -> Planner {
        Planner {
            now,
            emails: HashMap::new(),
            user_ids: HashSet::new(),
            names: HashMap::new(),
            next_made_up_id: max_user_id.max(0) + 1,
            made_up: HashMap::new(),
            pending_users: Vec::new(),
            admins: Vec::new(),
            titles: Taken::default(),
            slugs: HashMap::new(),
            post_dates: HashMap::new(),
            last_date: None,
            problems: Vec::new(),
        }
    }

    /// The emails of the accounts made admins.
    pub fn admins(&self) -> &[String] {
        &self.admins
    }

    /// How many accounts the import made up.
    pub fn made_up_accounts(&self) -> usize {
        self.made_up.len()
    }

    /// Accounts made up since the last call, to be written before the rows that need them.
    pub fn take_pending_users(&mut self) -> Vec<Vec<Value>> {
        std::mem::take(&mut self.pending_users)
    }

    fn problem(&mut self, table: &'static str, id: i64, message: impl Into<String>) {
        self.problems.push(Problem::new(table, Some(id), message));
    }

    /// A user: the email normalized as Quire stores it, the Werkzeug hash kept (it is
    /// verified at the first login, then replaced), user 1 the admin as in the course.
    pub fn user(&mut self, user: &FlaskUser) -> Vec<Value> {
        let id = user.id;
        let raw_email = user.email.clone().unwrap_or_default();
        let name = self.user_name(id, user.name.as_deref(), &raw_email);
        let email = match Email::parse(&raw_email) {
            Ok(email) => match self.emails.get(email.as_str()) {
                None => email.as_str().to_owned(),
                Some(first) => {
                    let made_up = placeholder_email("flask-user", id);
                    self.problem(
                        "users",
                        id,
                        format!(
                            "{raw_email} is user {first}'s address in another case, and Quire \
                             keeps one account per address: imported as {made_up}, unable to \
                             log in; its posts and comments keep its name"
                        ),
                    );
                    made_up
                }
            },
            Err(_) => {
                let made_up = placeholder_email("flask-user", id);
                self.problem(
                    "users",
                    id,
                    format!(
                        "{raw_email:?} is not an email address: imported as {made_up}, unable \
                         to log in; its posts and comments keep its name"
                    ),
                );
                made_up
            }
        };
        self.emails.insert(email.clone(), id);
        let password_hash = self.password_hash(id, &email, user.password.as_deref());
        let role = if id == 1 {
            self.admins.push(email.clone());
            Role::Admin
        } else {
            Role::Reader
        };
        self.user_ids.insert(id);
        self.names.entry(name.to_lowercase()).or_default().push(id);
        vec![
            Value::Int(id),
            Value::Text(name),
            Value::Text(email),
            Value::Text(password_hash),
            Value::Text(role.as_str().to_owned()),
            Value::Time(self.now),
        ]
    }

    fn user_name(&mut self, id: i64, raw: Option<&str>, email: &str) -> String {
        let raw = raw.unwrap_or_default();
        if let Ok(name) = UserName::parse(raw) {
            return name.as_str().to_owned();
        }
        let cleaned = fit(&without_controls(raw), UserName::MAX_CHARS);
        let name = if cleaned.is_empty() {
            email
                .split('@')
                .next()
                .filter(|local| !local.trim().is_empty())
                .map_or_else(
                    || format!("Flask user {id}"),
                    |local| fit(local, UserName::MAX_CHARS),
                )
        } else {
            cleaned
        };
        self.problem(
            "users",
            id,
            format!("the name {raw:?} does not fit Quire's rules (1 to 100 characters, no control characters): imported as {name:?}"),
        );
        name
    }

    fn password_hash(&mut self, id: i64, email: &str, stored: Option<&str>) -> String {
        use app::auth::werkzeug::WerkzeugHash;
        let stored = stored.unwrap_or_default();
        let why = match WerkzeugHash::parse(stored) {
            Ok(_) => return stored.to_owned(),
            Err(why) => why,
        };
        self.problem(
            "users",
            id,
            format!(
                "the password cannot be kept: {why}. Imported unable to log in until a new \
                 password is set (`quire admin set-password {email}`)"
            ),
        );
        NO_LOGIN.to_owned()
    }

    /// A post: its id kept (old `/post/<id>` addresses redirect to it), its HTML body kept
    /// as HTML, its date the publication time.
    pub fn post(&mut self, post: &FlaskPost) -> Result<Vec<Value>, Damaged> {
        let id = post.id;
        let author_id = self.post_author(id, &post.author)?;
        let title = self.post_title(id, post.title.as_deref());
        let slug = self.post_slug(id, &title);
        let subtitle = self.post_subtitle(id, post.subtitle.as_deref());
        let body = self.post_body(id, post.body.as_deref());
        let cover_url = self.cover_url(id, post.img_url.as_deref());
        let published_at = self.post_date(id, post.date.as_deref());
        self.post_dates.insert(id, published_at);
        Ok(vec![
            Value::Int(id),
            Value::Int(author_id),
            Value::Text(title),
            Value::Text(subtitle),
            Value::Text(slug),
            Value::Text(body),
            Value::Text(BodyFormat::Html.as_str().to_owned()),
            cover_url.map_or(Value::Null, Value::Text),
            Value::Time(published_at),
            Value::Time(published_at),
            Value::Time(published_at),
            Value::Text(app::db::posts::preview_token()),
        ])
    }

    fn post_author(&mut self, id: i64, author: &FlaskAuthor) -> Result<i64, Damaged> {
        match author {
            FlaskAuthor::Id(raw) => match reference("posts", id, "author_id", raw.as_deref())? {
                Some(user) if self.user_ids.contains(&user) => Ok(user),
                Some(user) => {
                    let (account, new) = self.placeholder(Placeholder::MissingUser(user));
                    if new {
                        self.problem(
                            "posts",
                            id,
                            format!(
                                "its author, user {user}, does not exist: an account \"Flask \
                                 user {user}\" that cannot log in was made for it (id {account})"
                            ),
                        );
                    }
                    Ok(account)
                }
                None => {
                    let (account, _) = self.placeholder(Placeholder::MissingUser(0));
                    self.problem(
                        "posts",
                        id,
                        format!("it has no author: attributed to \"Flask user 0\", an account that cannot log in (id {account})"),
                    );
                    Ok(account)
                }
            },
            FlaskAuthor::Name(name) => {
                let name = name.as_deref().unwrap_or_default().trim().to_owned();
                let matches = self
                    .names
                    .get(&name.to_lowercase())
                    .cloned()
                    .unwrap_or_default();
                if let [user] = matches.as_slice() {
                    return Ok(*user);
                }
                let (account, new) = self.placeholder(Placeholder::AuthorName(name.clone()));
                if new {
                    self.problem(
                        "posts",
                        id,
                        format!(
                            "its author {name:?} is a name, not an account ({}): an account of \
                             that name that cannot log in was made for their posts (id {account})",
                            if matches.is_empty() {
                                "no user has it"
                            } else {
                                "several users have it"
                            }
                        ),
                    );
                }
                Ok(account)
            }
        }
    }

    /// The account made up for `who`, and whether it was made just now.
    fn placeholder(&mut self, who: Placeholder) -> (i64, bool) {
        if let Some(id) = self.made_up.get(&who) {
            return (*id, false);
        }
        let id = self.next_made_up_id;
        self.next_made_up_id += 1;
        let name = match &who {
            Placeholder::MissingUser(user) => format!("Flask user {user}"),
            Placeholder::AuthorName(name) => UserName::parse(name)
                .map(|n| n.as_str().to_owned())
                .unwrap_or_else(|_| format!("Flask author {id}")),
        };
        let email = placeholder_email("flask-author", id);
        self.emails.insert(email.clone(), id);
        self.pending_users.push(vec![
            Value::Int(id),
            Value::Text(name),
            Value::Text(email),
            Value::Text(NO_LOGIN.to_owned()),
            Value::Text(Role::Reader.as_str().to_owned()),
            Value::Time(self.now),
        ]);
        self.made_up.insert(who, id);
        (id, true)
    }

    fn post_title(&mut self, id: i64, raw: Option<&str>) -> String {
        // Flask's titles are unique, but shortening can make two alike.
        let untitled = format!("Untitled post {id}");
        let (title, why) = self.titles.title(raw.unwrap_or_default(), &untitled);
        if let Some(why) = why {
            self.problem("posts", id, why);
        }
        title.as_str().to_owned()
    }

    fn post_slug(&mut self, id: i64, title: &str) -> String {
        let title = PostTitle::parse(title).expect("titles are made valid first");
        let base = Slug::from_title(&title);
        let slug = if let Some(other) = self.slugs.get(base.as_str()).copied() {
            let slug = (2..)
                .map(|n| base.with_suffix(n))
                .find(|s| !self.slugs.contains_key(s.as_str()))
                .expect("a free slug");
            self.problem(
                "posts",
                id,
                format!(
                    "its title makes the same address as post {other}'s (/posts/{}): it is at /posts/{}",
                    base.as_str(),
                    slug.as_str()
                ),
            );
            slug
        } else {
            base
        };
        self.slugs.insert(slug.as_str().to_owned(), id);
        slug.as_str().to_owned()
    }

    fn post_subtitle(&mut self, id: i64, raw: Option<&str>) -> String {
        let raw = raw.unwrap_or_default();
        match app::domain::parse_subtitle(raw) {
            Ok(subtitle) => subtitle,
            Err(_) => {
                let subtitle = shorten(without_controls(raw).trim(), 300);
                self.problem(
                    "posts",
                    id,
                    format!("its subtitle does not fit Quire's rules (300 characters, no control characters): imported as {subtitle:?}"),
                );
                subtitle
            }
        }
    }

    fn post_body(&mut self, id: i64, raw: Option<&str>) -> String {
        let raw = raw.unwrap_or_default();
        if raw.trim().is_empty() {
            self.problem(
                "posts",
                id,
                "its body is empty: imported with an empty body",
            );
        }
        let body = self.text_without_controls("posts", id, raw);
        if body.chars().count() > app::domain::BODY_MAX_CHARS {
            self.problem(
                "posts",
                id,
                format!(
                    "its body is {} characters: it is shown in full, but Quire's editor saves \
                     at most {} until it is shortened",
                    body.chars().count(),
                    app::domain::BODY_MAX_CHARS
                ),
            );
        }
        self.not_shown("posts", id, &body);
        body
    }

    /// Reports what the sanitizer will leave out when the HTML is shown, so nobody wonders
    /// where an embedded video went.
    fn not_shown(&mut self, table: &'static str, id: i64, html: &str) {
        let dropped = dropped_when_shown(html);
        if !dropped.is_empty() {
            self.problem(
                table,
                id,
                format!(
                    "shown without {} (Quire's pages never carry these)",
                    dropped.join(", ")
                ),
            );
        }
    }

    fn text_without_controls(&mut self, table: &'static str, id: i64, raw: &str) -> String {
        let cleaned: String = raw
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
            .collect();
        if cleaned.len() != raw.len() {
            self.problem(
                table,
                id,
                "invisible control characters (such as NUL) were removed from its text",
            );
        }
        cleaned
    }

    fn cover_url(&mut self, id: i64, raw: Option<&str>) -> Option<String> {
        let raw = raw.unwrap_or_default();
        match parse_cover_url(raw) {
            Ok(url) => url,
            Err(_) => {
                self.problem(
                    "posts",
                    id,
                    format!(
                        "its image {raw:?} is not an absolute http(s) address (a file of the \
                         Flask app's own does not come along): imported without a cover image; \
                         upload it in the editor"
                    ),
                );
                None
            }
        }
    }

    fn post_date(&mut self, id: i64, raw: Option<&str>) -> DateTime<Utc> {
        if let Some(date) = raw.and_then(parse_flask_date) {
            self.last_date = Some(date);
            return date;
        }
        // Between its neighbours, so the blog's order stays as it was.
        let date = self.last_date.unwrap_or(self.now);
        self.problem(
            "posts",
            id,
            format!(
                "its date {:?} is not a date Quire can read: dated {}, like the post before it, to keep the blog's order",
                raw.unwrap_or_default(),
                date.format("%B %-d, %Y")
            ),
        );
        date
    }

    /// A comment: on its post, by its author, at its post's date (the Flask schema keeps no
    /// time for comments; their order is kept by id).
    pub fn comment(&mut self, comment: &FlaskComment) -> Result<Option<Vec<Value>>, Damaged> {
        let id = comment.id;
        let post_id = reference("comments", id, "post_id", comment.post_id.as_deref())?;
        let author_id = reference("comments", id, "author_id", comment.author_id.as_deref())?;
        let Some((post_id, posted_at)) =
            post_id.and_then(|p| self.post_dates.get(&p).map(|at| (p, *at)))
        else {
            self.problem(
                "comments",
                id,
                format!(
                    "it belongs to post {}, which does not exist: not imported (no page showed it)",
                    comment.post_id.as_deref().unwrap_or("NULL")
                ),
            );
            return Ok(None);
        };
        let raw = comment.text.as_deref().unwrap_or_default();
        if raw.trim().is_empty() {
            self.problem("comments", id, "it is empty: not imported");
            return Ok(None);
        }
        let body = self.text_without_controls("comments", id, raw);
        if body.chars().count() > COMMENT_MAX_CHARS {
            self.problem(
                "comments",
                id,
                format!("it is longer than {COMMENT_MAX_CHARS} characters: not imported"),
            );
            return Ok(None);
        }
        let author = match author_id {
            Some(user) if self.user_ids.contains(&user) => user,
            other => {
                let user = other.unwrap_or(0);
                let (account, new) = self.placeholder(Placeholder::MissingUser(user));
                if new {
                    self.problem(
                        "comments",
                        id,
                        format!(
                            "its author, user {user}, does not exist: an account \"Flask user \
                             {user}\" that cannot log in was made for it (id {account})"
                        ),
                    );
                }
                account
            }
        };
        self.not_shown("comments", id, &body);
        Ok(Some(vec![
            Value::Int(id),
            Value::Int(post_id),
            Value::Int(author),
            Value::Text(body),
            Value::Text(BodyFormat::Html.as_str().to_owned()),
            Value::Time(posted_at),
            Value::Text("visible".to_owned()),
        ]))
    }
}

/// A reference to another row: `None` for NULL, an error for something that is no id.
fn reference(
    table: &'static str,
    id: i64,
    column: &str,
    raw: Option<&str>,
) -> Result<Option<i64>, Damaged> {
    match raw {
        None => Ok(None),
        Some(raw) => raw.trim().parse().map(Some).map_err(|_| {
            Damaged(Problem::new(
                table,
                Some(id),
                format!("its {column} is {raw:?}, not a whole number: the database looks damaged"),
            ))
        }),
    }
}

fn placeholder_email(kind: &str, id: i64) -> String {
    format!("{kind}-{id}@{PLACEHOLDER_DOMAIN}")
}

/// The dates the Flask blog stored: `date.today().strftime("%B %d, %Y")` ("August 24, 2024"),
/// and the ISO forms people wrote by hand or with other code (the other importers' reading).
/// Midnight UTC for a day.
pub fn parse_flask_date(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    let written_out = [
        "%B %d, %Y",
        "%b %d, %Y",
        "%B %d %Y",
        "%d %B %Y",
        "%b. %d, %Y",
    ];
    written_out
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(raw, format).ok())
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
        .or_else(|| parse_date(raw))
}

/// What the sanitizer leaves out of a body that someone would miss or should know about:
/// scripts, embeds, forms, event handlers, `javascript:` links and images inlined as
/// `data:` addresses. A report, not the protection: the sanitizer is that.
pub fn dropped_when_shown(html: &str) -> Vec<&'static str> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for (needle, what) in [
        ("<script", "scripts"),
        ("<iframe", "embedded frames (videos, maps)"),
        ("<object", "embedded objects"),
        ("<embed", "embedded objects"),
        ("<form", "forms"),
        ("<style", "style sheets"),
        ("javascript:", "javascript: links"),
    ] {
        if lower.contains(needle) && !found.contains(&what) {
            found.push(what);
        }
    }
    if has_event_handler(&lower) {
        found.push("event handler attributes (onerror=, onclick=…)");
    }
    if lower.contains("src=\"data:") || lower.contains("src='data:") || lower.contains("src=data:")
    {
        found.push("images inlined as data: addresses (upload them in the editor)");
    }
    found
}

/// ` on…=` inside a tag.
fn has_event_handler(lower: &str) -> bool {
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && (bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b'/')
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                let name_end = bytes[i + 2..]
                    .iter()
                    .position(|c| !c.is_ascii_alphabetic())
                    .map_or(bytes.len(), |n| i + 2 + n);
                let after = bytes[name_end..].iter().find(|c| !c.is_ascii_whitespace());
                if name_end > i + 2 && after == Some(&b'=') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-05T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    const HASH: &str = "pbkdf2:sha256:1000$hdtg4uxJ$2035cb48c9af4d41cc63517987b7a40072ccd90ab9611d02a0a1db50171749f3";

    fn user(id: i64, email: &str, name: &str, password: &str) -> FlaskUser {
        FlaskUser {
            id,
            email: Some(email.into()),
            password: Some(password.into()),
            name: Some(name.into()),
        }
    }

    fn post(id: i64, author: i64, title: &str, date: &str) -> FlaskPost {
        FlaskPost {
            id,
            author: FlaskAuthor::Id(Some(author.to_string())),
            title: Some(title.into()),
            subtitle: Some("Sub".into()),
            date: Some(date.into()),
            body: Some("<p>Body</p>".into()),
            img_url: Some(String::new()),
        }
    }

    fn text(value: &Value) -> &str {
        match value {
            Value::Text(s) => s,
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn users_keep_their_ids_hashes_and_user_one_is_the_admin() {
        let mut plan = Planner::new(now(), 2);
        let admin = plan.user(&user(1, " Admin@Example.COM ", "Angela", HASH));
        let reader = plan.user(&user(2, "rory@example.com", "Rory", HASH));
        assert_eq!(admin[0], Value::Int(1));
        assert_eq!(text(&admin[2]), "admin@example.com");
        assert_eq!(
            text(&admin[3]),
            HASH,
            "verified at the first login, then replaced"
        );
        assert_eq!(text(&admin[4]), "admin");
        assert_eq!(text(&reader[4]), "reader");
        assert_eq!(plan.admins(), ["admin@example.com"]);
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    }

    #[test]
    fn a_case_duplicate_email_is_a_problem_not_a_crash() {
        let mut plan = Planner::new(now(), 6);
        plan.user(&user(5, "Zoe@Example.com", "Zoë", HASH));
        let dup = plan.user(&user(6, "ZOE@example.com", "Dup", HASH));
        assert_eq!(text(&dup[2]), "flask-user-6@import.invalid");
        assert_eq!(text(&dup[1]), "Dup", "the name stays");
        let problem = plan.problems.last().unwrap().to_string();
        assert!(
            problem.starts_with("user 6: ZOE@example.com is user 5's"),
            "{problem}"
        );
    }

    #[test]
    fn unusable_passwords_are_reported_never_dropped() {
        let mut plan = Planner::new(now(), 7);
        let row = plan.user(&user(7, "plain@example.com", "Plain", "hunter2"));
        assert_eq!(text(&row[3]), "!");
        let problem = plan.problems.last().unwrap().to_string();
        assert!(
            problem.starts_with("user 7: the password cannot be kept"),
            "{problem}"
        );
        assert!(
            problem.contains("quire admin set-password plain@example.com"),
            "{problem}"
        );
        assert!(
            !problem.contains("hunter2"),
            "never prints the stored value: {problem}"
        );
    }

    #[test]
    fn bad_names_and_emails_are_mended_and_reported() {
        let mut plan = Planner::new(now(), 3);
        let row = plan.user(&user(3, "not an email", "", HASH));
        assert_eq!(text(&row[2]), "flask-user-3@import.invalid");
        assert_eq!(text(&row[1]), "not an email");
        assert_eq!(plan.problems.len(), 2);
    }

    #[test]
    fn posts_keep_ids_html_and_dates() {
        let mut plan = Planner::new(now(), 1);
        plan.user(&user(1, "a@example.com", "A", HASH));
        let row = plan
            .post(&post(7, 1, "The Life of Cactus", "August 24, 2024"))
            .unwrap();
        assert_eq!(row[0], Value::Int(7));
        assert_eq!(row[1], Value::Int(1));
        assert_eq!(text(&row[4]), "the-life-of-cactus");
        assert_eq!(text(&row[5]), "<p>Body</p>");
        assert_eq!(text(&row[6]), "html");
        assert_eq!(row[7], Value::Null, "an empty img_url is no cover");
        let day = parse_flask_date("2024-08-24").unwrap();
        assert_eq!(row[10], Value::Time(day));
        assert_eq!(text(&row[11]).len(), 32, "a preview token");
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    }

    #[test]
    fn long_titles_are_shortened_and_alike_slugs_told_apart() {
        let mut plan = Planner::new(now(), 1);
        plan.user(&user(1, "a@example.com", "A", HASH));
        let long = "A very long title about gardening and patience ".repeat(6);
        let row = plan.post(&post(5, 1, long.trim(), "2024-10-10")).unwrap();
        let title = text(&row[2]);
        assert!(
            title.chars().count() <= 200 && title.ends_with('…'),
            "{title}"
        );
        assert!(plan.problems[0].message.contains("Quire allows 200"));

        plan.post(&post(6, 1, "Hello, World!", "November 1, 2024"))
            .unwrap();
        let second = plan
            .post(&post(7, 1, "Hello World", "November 2, 2024"))
            .unwrap();
        assert_eq!(text(&second[4]), "hello-world-2");
        let problem = plan.problems.last().unwrap().to_string();
        assert!(
            problem.contains("post 6's (/posts/hello-world)"),
            "{problem}"
        );
    }

    #[test]
    fn titles_made_alike_by_shortening_stay_unique() {
        let mut plan = Planner::new(now(), 1);
        plan.user(&user(1, "a@example.com", "A", HASH));
        let base = "x".repeat(199);
        let a = plan
            .post(&post(1, 1, &format!("{base}aa"), "2024-01-01"))
            .unwrap();
        let b = plan
            .post(&post(2, 1, &format!("{base}bb"), "2024-01-02"))
            .unwrap();
        assert_ne!(text(&a[2]), text(&b[2]));
        assert!(text(&b[2]).ends_with(" (2)") && text(&b[2]).chars().count() <= 200);
    }

    #[test]
    fn an_unreadable_date_takes_the_previous_posts_and_is_reported() {
        let mut plan = Planner::new(now(), 1);
        plan.user(&user(1, "a@example.com", "A", HASH));
        plan.post(&post(1, 1, "One", "November 2, 2024")).unwrap();
        let row = plan
            .post(&post(2, 1, "Two", "sometime last spring"))
            .unwrap();
        assert_eq!(
            row[10],
            Value::Time(parse_flask_date("2024-11-02").unwrap())
        );
        let problem = plan.problems.last().unwrap().to_string();
        assert!(
            problem.starts_with("post 2: its date \"sometime last spring\""),
            "{problem}"
        );
    }

    #[test]
    fn relative_images_are_reported_and_left_out() {
        let mut plan = Planner::new(now(), 1);
        plan.user(&user(1, "a@example.com", "A", HASH));
        let mut p = post(9, 1, "Rory", "2024-12-03");
        p.img_url = Some("static/assets/img/rory.jpg".into());
        let row = plan.post(&p).unwrap();
        assert_eq!(row[7], Value::Null);
        assert!(plan.problems[0]
            .message
            .contains("static/assets/img/rory.jpg"));
    }

    #[test]
    fn missing_authors_get_one_account_each_after_the_flask_ids() {
        let mut plan = Planner::new(now(), 8);
        plan.user(&user(1, "a@example.com", "A", HASH));
        let a = plan.post(&post(1, 42, "One", "2024-01-01")).unwrap();
        let b = plan.post(&post(2, 42, "Two", "2024-01-02")).unwrap();
        assert_eq!(a[1], Value::Int(9));
        assert_eq!(b[1], Value::Int(9));
        let made = plan.take_pending_users();
        assert_eq!(made.len(), 1);
        assert_eq!(text(&made[0][1]), "Flask user 42");
        assert_eq!(text(&made[0][3]), "!");
        assert_eq!(plan.problems.len(), 1, "reported once");
    }

    #[test]
    fn early_lesson_author_names_become_accounts() {
        let mut plan = Planner::new(now(), 0);
        let mut p = post(1, 0, "First", "August 31, 2019");
        p.author = FlaskAuthor::Name(Some("Angela Yu".into()));
        let a = plan.post(&p).unwrap();
        p.id = 3;
        p.title = Some("Third".into());
        let b = plan.post(&p).unwrap();
        assert_eq!(a[1], b[1]);
        let made = plan.take_pending_users();
        assert_eq!(text(&made[0][1]), "Angela Yu");
        assert!(plan.admins().is_empty());
    }

    #[test]
    fn comments_follow_their_post_and_skip_what_no_page_showed() {
        let mut plan = Planner::new(now(), 2);
        plan.user(&user(1, "a@example.com", "A", HASH));
        plan.user(&user(2, "b@example.com", "B", HASH));
        plan.post(&post(1, 1, "One", "August 24, 2024")).unwrap();
        let comment = |id, post: &str, author: &str, text: &str| FlaskComment {
            id,
            text: Some(text.into()),
            author_id: Some(author.into()),
            post_id: Some(post.into()),
        };
        let row = plan
            .comment(&comment(1, "1", "2", "<p>Hi</p>"))
            .unwrap()
            .unwrap();
        assert_eq!(row[1], Value::Int(1));
        assert_eq!(row[2], Value::Int(2));
        assert_eq!(
            row[5],
            Value::Time(parse_flask_date("August 24, 2024").unwrap())
        );
        assert_eq!(text(&row[4]), "html");
        assert!(plan
            .comment(&comment(2, "99", "2", "<p>Lost</p>"))
            .unwrap()
            .is_none());
        assert!(plan.comment(&comment(3, "1", "2", "  ")).unwrap().is_none());
        let orphan = plan
            .comment(&comment(4, "1", "77", "<p>Who?</p>"))
            .unwrap()
            .unwrap();
        assert_eq!(orphan[2], Value::Int(3));
        let damaged = plan
            .comment(&comment(5, "1", "abc", "<p>x</p>"))
            .unwrap_err();
        assert!(damaged.0.message.contains("\"abc\", not a whole number"));
        assert_eq!(plan.problems.len(), 3);
    }

    #[test]
    fn reads_the_dates_flask_blogs_stored() {
        let day = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
        };
        assert_eq!(parse_flask_date("August 24, 2024"), Some(day(2024, 8, 24)));
        assert_eq!(parse_flask_date("August 04, 2024"), Some(day(2024, 8, 4)));
        assert_eq!(parse_flask_date("September 2, 2019"), Some(day(2019, 9, 2)));
        assert_eq!(parse_flask_date(" Aug 24, 2024 "), Some(day(2024, 8, 24)));
        assert_eq!(parse_flask_date("2024-10-10"), Some(day(2024, 10, 10)));
        assert_eq!(
            parse_flask_date("2024-10-10 13:45:00"),
            Some(day(2024, 10, 10) + chrono::TimeDelta::minutes(13 * 60 + 45))
        );
        assert!(parse_flask_date("2024-10-10T13:45:00+02:00").is_some());
        for bad in [
            "sometime last spring",
            "",
            "31/12/2024",
            "February 30, 2024",
        ] {
            assert_eq!(parse_flask_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn reports_what_the_sanitizer_leaves_out() {
        let hostile = r#"<p>x</p><script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:go()">y</a><iframe src="https://www.youtube.com/embed/x"></iframe>"#;
        let dropped = dropped_when_shown(hostile);
        assert_eq!(dropped.len(), 4, "{dropped:?}");
        assert!(dropped_when_shown("<p>Online, one said: on=off</p>").is_empty());
        assert!(
            dropped_when_shown(r#"<p class="x">Fine <a href="https://x.org">link</a></p>"#)
                .is_empty()
        );
        assert_eq!(
            dropped_when_shown(r#"<img src="data:image/png;base64,AAAA">"#).len(),
            1
        );
    }

    #[test]
    fn shortening_cuts_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 12), "one two…");
        assert_eq!(shorten(&"x".repeat(20), 10), format!("{}…", "x".repeat(9)));
    }
}
