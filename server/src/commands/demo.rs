//! `quire demo` and `quire seed-demo`: content to try the blog out, or to load it for a
//! benchmark (`bench/run.sh` uses `demo` with its size options).

use anyhow::anyhow;
use app::db::{self, posts::CreatePostError, users::CreateUserError, users::NewUser, Db};
use app::domain::{parse_tags, CommentStatus, Email, PostTitle, Role, UserName};

#[derive(Debug, clap::Args)]
pub struct DemoOptions {
    /// How many posts to add.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    posts: u32,
    /// Approximate size of each post's Markdown body, in bytes.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    body_bytes: u32,
    /// How many reader accounts to add (they cannot log in: they have no password).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    users: u32,
    /// How many comments to add to the newest demo post, by those readers in turn.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    comments: u32,
}

const DEMO_EMAIL: &str = "demo@example.invalid";

const DEMO_BODY: &str = "This is a sample post, added by `quire demo`.\n\n\
Quire keeps everything it shows in its database — SQLite on your machine, PostgreSQL in \
production — so nothing is lost when a server's disk is wiped.\n";

/// What a longer demo post repeats: a heading, prose with inline markup, a list, a quote and
/// a code block, so rendering a page does the work a real post needs.
const DEMO_SECTION: &str = "\n## A section of a longer post\n\n\
Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, sed do **eiusmod** tempor \
incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud \
exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat, with a \
[link](https://example.com/) and some `inline code`.\n\n\
- Duis aute irure dolor in reprehenderit\n- in voluptate velit esse cillum dolore\n\
- eu fugiat nulla pariatur\n\n> Excepteur sint occaecat cupidatat non proident.\n\n\
```rust\nfn main() {\n    println!(\"sunt in culpa qui officia\");\n}\n```\n";

/// Adds the demo posts (an hour apart, the last one newest), readers and comments.
pub async fn demo(db: &Db, options: &DemoOptions) -> anyhow::Result<()> {
    let failed = |e: sqlx::Error| anyhow!("could not add the demo content: {e}");
    let author_id = demo_author(db).await.map_err(failed)?;
    let mut body = DEMO_BODY.to_owned();
    while body.len() < options.body_bytes as usize {
        body.push_str(DEMO_SECTION);
    }
    let (added, newest) = add_demo_posts(db, author_id, options.posts, &body)
        .await
        .map_err(failed)?;
    tracing::info!(added, skipped = options.posts - added, "demo posts ready");
    let readers = add_readers(db, options.users).await.map_err(failed)?;
    if options.comments > 0 {
        let authors = if readers.is_empty() {
            vec![author_id]
        } else {
            readers
        };
        for n in 0..options.comments as usize {
            let text = format!("Demo comment {n}: *thanks* for this post!");
            db::comments::create(
                db,
                &newest,
                authors[n % authors.len()],
                &text,
                CommentStatus::Visible,
                None,
            )
            .await
            .map_err(failed)?;
        }
        tracing::info!(comments = options.comments, post = %newest, "demo comments added");
    }
    Ok(())
}

/// A demo account's name and email, which are fixed and valid.
fn account(name: &str, email: &str) -> (UserName, Email) {
    (
        UserName::parse(name).expect("a valid demo name"),
        Email::parse(email).expect("a valid demo email"),
    )
}

async fn demo_author(db: &Db) -> Result<i64, sqlx::Error> {
    let (name, email) = account("Quire Demo", DEMO_EMAIL);
    if let Some(id) = db::users::id_by_email(db, &email).await? {
        return Ok(id);
    }
    let author = NewUser {
        name: &name,
        email: &email,
        // Not a password hash: nobody can log in as the demo author.
        password_hash: "!",
        role: Role::Reader,
    };
    match db::users::create(db, &author).await {
        Ok(id) => Ok(id),
        Err(CreateUserError::Db(e)) => Err(e),
        Err(CreateUserError::DuplicateEmail) => unreachable!("looked up just before"),
    }
}

/// Returns how many posts were new, and the slug of the newest.
async fn add_demo_posts(
    db: &Db,
    author_id: i64,
    count: u32,
    body: &str,
) -> Result<(u32, String), sqlx::Error> {
    let now = db::now();
    let mut added = 0;
    let mut newest = String::new();
    // Every demo post is tagged, so the demo has a tag page to look at (and to measure).
    let tags = parse_tags("Demo").expect("a valid tag");
    for n in 1..=count {
        let title = PostTitle::parse(&format!("Demo post {n}")).expect("demo titles are valid");
        let post = db::posts::NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            tags: &tags,
            author_id,
            title: &title,
            subtitle: "A sample to see how Quire looks",
            body,
            cover_url: None,
            published_at: Some(now - chrono::TimeDelta::hours(i64::from(count - n))),
            newsletter: false,
        };
        match db::posts::create(db, &post).await {
            Ok(created) => {
                added += 1;
                newest = created.slug.as_str().to_owned();
            }
            Err(CreatePostError::DuplicateTitle) => {
                newest = db::posts::slug_for_title(db, title.as_str())
                    .await?
                    .unwrap_or_default();
            }
            Err(CreatePostError::Db(e)) => return Err(e),
            // Demo posts are in no series.
            Err(CreatePostError::SeriesTaken(_)) => unreachable!("demo posts name no series"),
        }
    }
    Ok((added, newest))
}

/// Adds reader accounts `reader-1@example.invalid`…, skipping those that exist.
async fn add_readers(db: &Db, count: u32) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(count as usize);
    for n in 1..=count {
        let (name, email) = account(
            &format!("Demo Reader {n}"),
            &format!("reader-{n}@example.invalid"),
        );
        let user = NewUser {
            name: &name,
            email: &email,
            password_hash: "!",
            role: Role::Reader,
        };
        let id = match db::users::create(db, &user).await {
            Ok(id) => id,
            Err(CreateUserError::DuplicateEmail) => db::users::id_by_email(db, &email)
                .await?
                .unwrap_or_default(),
            Err(CreateUserError::Db(e)) => return Err(e),
        };
        ids.push(id);
    }
    Ok(ids)
}

/// A sample post: title, subtitle, Markdown body, and comments as (reader number, text).
type SamplePost = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(usize, &'static str)],
);

/// The sample blog `quire seed-demo` writes.
const SAMPLE_POSTS: &[SamplePost] = &[
    (
        "The Life of Cactus",
        "Who knew they were so interesting?",
        "Cacti are **succulents**: they store water in their stems, and their spines are leaves \
         that gave up on photosynthesis.\n\n## Why they last\n\n- A waxy skin keeps water in.\n\
         - Photosynthesis happens at night ([CAM](https://en.wikipedia.org/wiki/Crassulacean_acid_metabolism)).\n\
         - Roots spread wide and shallow, to catch every shower.\n\n> Water them rarely, but deeply.\n",
        &[(0, "I had no idea the spines were leaves!"), (1, "Mine flowered last spring — *once*.")],
    ),
    (
        "Moving a Blog from SQLite to PostgreSQL",
        "Notes from a move that lost nothing",
        "The blog ran for years on a single SQLite file. Then it moved to a host whose disk is \
         wiped on every deploy.\n\n1. Point `DATABASE_URL` at PostgreSQL.\n2. Start Quire: the \
         tables are created.\n3. Copy the data across.\n\n| Backend | Good for |\n|---|---|\n\
         | SQLite | one machine, no setup |\n| PostgreSQL | hosted, several instances |\n",
        &[(1, "Step 2 is the one that always bit me with Flask."), (0, "Bookmarked for my own move.")],
    ),
    (
        "Hello, World",
        "The first post on this blog",
        "Welcome! This blog is written in Rust with [Leptos](https://leptos.dev).\n\n```rust\n\
         fn main() {\n    println!(\"Hello, world!\");\n}\n```\n",
        &[(0, "Welcome aboard!")],
    ),
];

/// Writes the sample blog into an empty database (it refuses to touch one with posts).
pub async fn seed_demo(db: &Db) -> anyhow::Result<()> {
    let failed = |e: sqlx::Error| anyhow!("could not write the sample blog: {e}");
    if db::posts::count(db).await.map_err(failed)? > 0 {
        return Err(anyhow!(
            "the blog has posts already: seed-demo only fills an empty blog"
        ));
    }
    let mut ids = Vec::new();
    for (name, email) in [
        ("Quire Demo", DEMO_EMAIL),
        ("Rory Reader", "rory@example.invalid"),
        ("Sam Sample", "sam@example.invalid"),
    ] {
        let (name, email) = account(name, email);
        let user = NewUser {
            name: &name,
            email: &email,
            password_hash: "!",
            role: Role::Reader,
        };
        let id = match db::users::create(db, &user).await {
            Ok(id) => id,
            Err(CreateUserError::DuplicateEmail) => db::users::id_by_email(db, &email)
                .await
                .map_err(failed)?
                .unwrap_or_default(),
            Err(CreateUserError::Db(e)) => return Err(failed(e)),
        };
        ids.push(id);
    }
    let now = db::now();
    for (age, (title, subtitle, body, comments)) in SAMPLE_POSTS.iter().enumerate() {
        let title = PostTitle::parse(title).expect("sample titles are valid");
        let post = db::posts::NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            tags: &[],
            author_id: ids[0],
            title: &title,
            subtitle,
            body,
            cover_url: None,
            published_at: Some(now - chrono::TimeDelta::days(age as i64 * 3)),
            newsletter: false,
        };
        let created = db::posts::create(db, &post)
            .await
            .map_err(|e| anyhow!("could not write the sample blog: {e}"))?;
        for (reader, text) in *comments {
            db::comments::create(
                db,
                created.slug.as_str(),
                ids[reader + 1],
                text,
                CommentStatus::Visible,
                None,
            )
            .await
            .map_err(failed)?;
        }
    }
    println!(
        "Wrote {} sample posts with comments. Nobody can log in as their authors.",
        SAMPLE_POSTS.len()
    );
    Ok(())
}
