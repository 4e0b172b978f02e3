//! The command line: `quire` (serve) and the operator's commands.

use app::db::{self, posts::CreatePostError, users::NewUser, Db};
use app::domain::{PostTitle, Role};

use crate::config::Config;
use crate::serve::{open_database, StartupError};

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
}

const DEMO_EMAIL: &str = "demo@example.invalid";

const DEMO_BODY: &str = "This is a sample post, added by `quire demo`.\n\n\
Quire keeps everything it shows in its database — SQLite on your machine, PostgreSQL in \
production — so nothing is lost when a server's disk is wiped.\n";

/// Adds `count` demo posts, an hour apart, the last one newest.
pub async fn demo(config: Config, count: u32) -> Result<(), StartupError> {
    let db = open_database(&config).await?;
    let result = add_demo_posts(&db, count).await;
    db.close().await;
    let added = result.map_err(StartupError::Seed)?;
    tracing::info!(added, skipped = count - added, "demo posts ready");
    Ok(())
}

async fn add_demo_posts(db: &Db, count: u32) -> Result<u32, sqlx::Error> {
    let author_id = match db::users::id_by_email(db, DEMO_EMAIL).await? {
        Some(id) => id,
        None => {
            db::users::create(
                db,
                &NewUser {
                    name: "Quire Demo",
                    email: DEMO_EMAIL,
                    // Not a password hash: nobody can log in as the demo author.
                    password_hash: "!",
                    role: Role::Reader,
                },
            )
            .await?
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
