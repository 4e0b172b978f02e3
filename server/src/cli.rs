//! The command line: `quire` (serve) and the operator's commands.

use std::io::{BufRead, IsTerminal};

use app::auth::password;
use app::db::{self, posts::CreatePostError, users::CreateUserError, users::NewUser, Db};
use app::domain::{Email, Password, PostTitle, Role, UserName};

use crate::backup;
use crate::config::Config;
use crate::serve::{open_database, StartupError};
use crate::transfer::{self, CopyOptions};
use app::db::DatabaseUrl;

#[derive(Debug, clap::Parser)]
#[command(
    name = "quire",
    version,
    about = "Quire: a blog on SQLite or PostgreSQL"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Default, clap::Subcommand)]
pub enum Command {
    /// Serve the blog (the default).
    #[default]
    Serve,
    /// Add sample posts by a "Quire Demo" author, to try the blog out. Safe to run twice.
    Demo {
        /// How many posts to add.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        posts: u32,
    },
    /// Fill an empty blog with a few real-looking posts and comments, to see it alive.
    SeedDemo,
    /// Manage admin accounts without the web interface.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Copy every user, post, comment, message and setting from one database to another
    /// (SQLite to PostgreSQL or back), keeping ids and timestamps. The target is written in
    /// one transaction and checked (row counts and checksums) before it is committed.
    CopyData {
        /// The database to read, e.g. sqlite:data/quire.db
        #[arg(long, value_name = "URL")]
        from: String,
        /// The database to fill, e.g. postgres://user:password@host/quire
        #[arg(long, value_name = "URL")]
        to: String,
        /// Delete the target's content first, instead of refusing a target that has some.
        #[arg(long)]
        replace: bool,
        /// Also copy logged-in sessions, so that nobody has to log in again.
        #[arg(long)]
        sessions: bool,
    },
    /// Write all content of the configured database to a backup file (JSON Lines, the same
    /// for SQLite and PostgreSQL; see README "Back up and restore").
    Export {
        /// Where to write; `-` for standard output.
        #[arg(value_name = "FILE")]
        output: std::path::PathBuf,
    },
    /// Load a backup written by `quire export` into the configured database, in one
    /// transaction, checked against the file's counts and checksums.
    Import {
        /// The backup to read; `-` for standard input.
        #[arg(value_name = "FILE")]
        input: std::path::PathBuf,
        /// Delete the database's content first, instead of refusing one that has some.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Create an admin account. The password is asked for at a prompt, or read as one line
    /// from standard input when that is not a terminal — never from the command line.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
    },
    /// Make an existing account an admin.
    Promote { email: String },
}

/// Runs an operator's command against the configured database.
pub async fn run(config: Config, command: Command) -> Result<(), StartupError> {
    // The copy names both of its databases; every other command works on the configured one.
    if let Command::CopyData {
        from,
        to,
        replace,
        sessions,
    } = command
    {
        let parse =
            |flag: &str, raw: &str| DatabaseUrl::parse(flag, raw).map_err(|e| e.to_string());
        let options = CopyOptions {
            from: parse("--from", &from).map_err(StartupError::Command)?,
            to: parse("--to", &to).map_err(StartupError::Command)?,
            replace,
            sessions,
        };
        return transfer::copy_data(options)
            .await
            .map_err(StartupError::Command);
    }
    let db = open_database(&config).await?;
    let result = match command {
        Command::Serve => unreachable!("serving is not a one-off command"),
        Command::Demo { posts } => demo(&db, posts).await,
        Command::SeedDemo => seed_demo(&db).await,
        Command::Admin(AdminCommand::Create { name, email }) => {
            create_admin(&db, &name, &email).await
        }
        Command::Admin(AdminCommand::Promote { email }) => promote(&db, &email).await,
        Command::Export { output } => backup::export(&db, &output).await,
        Command::Import { input, replace } => backup::import(&db, &input, replace).await,
        Command::CopyData { .. } => unreachable!("handled above"),
    };
    db.close().await;
    result.map_err(StartupError::Command)
}

async fn create_admin(db: &Db, name: &str, email: &str) -> Result<(), String> {
    let name = UserName::parse(name).map_err(|m| format!("--name: {m}"))?;
    let email = Email::parse(email).map_err(|m| format!("--email: {m}"))?;
    let password = read_password()?;
    let hash = password::hash(&password).await?;
    let user = NewUser {
        name: name.as_str(),
        email: email.as_str(),
        password_hash: &hash,
        role: Role::Admin,
    };
    match db::users::create(db, &user).await {
        Ok(id) => {
            tracing::info!(user.id = id, "admin account created");
            println!("Created admin {} <{}>.", name.as_str(), email.as_str());
            Ok(())
        }
        Err(CreateUserError::DuplicateEmail) => Err(format!(
            "an account with {} exists already: use `quire admin promote {}`",
            email.as_str(),
            email.as_str()
        )),
        Err(CreateUserError::Db(e)) => Err(format!("could not create the account: {e}")),
    }
}

async fn promote(db: &Db, email: &str) -> Result<(), String> {
    let email = Email::parse(email)?;
    match db::users::promote(db, email.as_str()).await {
        Ok(true) => {
            println!("{} is now an admin.", email.as_str());
            Ok(())
        }
        Ok(false) => Err(format!("no account has the email {}", email.as_str())),
        Err(e) => Err(format!("could not promote the account: {e}")),
    }
}

/// Asks twice at a terminal; otherwise reads one line of standard input (only its line
/// ending is removed: passwords are taken exactly as typed).
fn read_password() -> Result<Password, String> {
    let stdin = std::io::stdin();
    let raw = if stdin.is_terminal() {
        let first = rpassword::prompt_password("Password: ")
            .map_err(|e| format!("reading the password: {e}"))?;
        let again = rpassword::prompt_password("Password again: ")
            .map_err(|e| format!("reading the password: {e}"))?;
        if first != again {
            return Err("the passwords do not match".into());
        }
        first
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password: {e}"))?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        line.strip_suffix('\r').unwrap_or(line).to_owned()
    };
    Password::parse(&raw).map_err(|m| format!("password: {m}"))
}

const DEMO_EMAIL: &str = "demo@example.invalid";

const DEMO_BODY: &str = "This is a sample post, added by `quire demo`.\n\n\
Quire keeps everything it shows in its database — SQLite on your machine, PostgreSQL in \
production — so nothing is lost when a server's disk is wiped.\n";

/// Adds `count` demo posts, an hour apart, the last one newest.
async fn demo(db: &Db, count: u32) -> Result<(), String> {
    let added = add_demo_posts(db, count)
        .await
        .map_err(|e| format!("could not add the demo posts: {e}"))?;
    tracing::info!(added, skipped = count - added, "demo posts ready");
    Ok(())
}

async fn add_demo_posts(db: &Db, count: u32) -> Result<u32, sqlx::Error> {
    let author_id = match db::users::id_by_email(db, DEMO_EMAIL).await? {
        Some(id) => id,
        None => {
            let author = NewUser {
                name: "Quire Demo",
                email: DEMO_EMAIL,
                // Not a password hash: nobody can log in as the demo author.
                password_hash: "!",
                role: Role::Reader,
            };
            match db::users::create(db, &author).await {
                Ok(id) => id,
                Err(CreateUserError::Db(e)) => return Err(e),
                Err(CreateUserError::DuplicateEmail) => unreachable!("looked up just before"),
            }
        }
    };
    let now = db::now();
    let mut added = 0;
    for n in 1..=count {
        let title = PostTitle::parse(&format!("Demo post {n}")).expect("demo titles are valid");
        let post = db::posts::NewPost {
            author_id,
            title: &title,
            subtitle: "A sample to see how Quire looks",
            body: DEMO_BODY,
            cover_url: None,
            published_at: Some(now - chrono::TimeDelta::hours(i64::from(count - n))),
        };
        match db::posts::create(db, &post).await {
            Ok(_) => added += 1,
            Err(CreatePostError::DuplicateTitle) => {}
            Err(CreatePostError::Db(e)) => return Err(e),
        }
    }
    Ok(added)
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
async fn seed_demo(db: &Db) -> Result<(), String> {
    let failed = |e: sqlx::Error| format!("could not write the sample blog: {e}");
    if db::posts::count(db).await.map_err(failed)? > 0 {
        return Err("the blog has posts already: seed-demo only fills an empty blog".into());
    }
    let mut ids = Vec::new();
    for (name, email) in [
        ("Quire Demo", DEMO_EMAIL),
        ("Rory Reader", "rory@example.invalid"),
        ("Sam Sample", "sam@example.invalid"),
    ] {
        let user = NewUser {
            name,
            email,
            password_hash: "!",
            role: Role::Reader,
        };
        let id = match db::users::create(db, &user).await {
            Ok(id) => id,
            Err(CreateUserError::DuplicateEmail) => db::users::id_by_email(db, email)
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
            author_id: ids[0],
            title: &title,
            subtitle,
            body,
            cover_url: None,
            published_at: Some(now - chrono::TimeDelta::days(age as i64 * 3)),
        };
        let created = db::posts::create(db, &post)
            .await
            .map_err(|e| format!("could not write the sample blog: {e}"))?;
        for (reader, text) in *comments {
            db::comments::create(db, created.slug.as_str(), ids[reader + 1], text)
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
