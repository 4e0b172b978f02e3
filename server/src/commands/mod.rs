//! The command line: `quire` (serve, the default) and the operator's commands, one module
//! each, dispatched in one place.

mod admin;
mod backup;
mod check;
mod copy_data;
mod demo;
mod export_markdown;
mod export_static;
mod import_flask;
mod import_ghost;
mod import_markdown;
mod import_wordpress;
mod importing;
mod migrate;
mod progress;
mod staged;
mod subscribers;
mod target;

use std::process::ExitCode;

use app::db::Db;

use crate::startup::database::open_database;
use crate::startup::Config;

#[derive(Debug, clap::Parser)]
#[command(
    name = "quire",
    version,
    about = "Quire: a blog on SQLite or PostgreSQL"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: crate::startup::config::Settings,
}

#[derive(Debug, Default, clap::Subcommand)]
pub enum Command {
    /// Serve the blog (the default).
    #[default]
    Serve,
    /// Apply the database migrations this build has, then exit (as a release step).
    Migrate,
    /// Print the effective configuration and the database's state, without changing it.
    /// Exits non-zero when the database is unreachable or needs migrations.
    Check,
    /// Add sample posts by a "Quire Demo" author, to try the blog out (or to load it for a
    /// benchmark). Safe to run twice.
    Demo(demo::DemoOptions),
    /// Fill an empty blog with a few real-looking posts and comments, to see it alive.
    SeedDemo,
    /// Manage admin accounts without the web interface.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
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
    /// for SQLite and PostgreSQL; see docs/data.md, "Back up and restore").
    Export {
        /// Where to write; `-` for standard output.
        #[arg(value_name = "FILE")]
        output: std::path::PathBuf,
    },
    /// Write every post as a Markdown file with YAML front matter (drafts included), the
    /// images they use beside them, and each post's comments as JSON, into a new folder.
    ExportMarkdown {
        /// The folder to write: a new or empty one.
        #[arg(value_name = "DIR")]
        dir: std::path::PathBuf,
    },
    /// Write the public site as static files (pages, feeds, sitemap, images, the stylesheet)
    /// into a new folder, with relative links, to be served by any static file server.
    ExportStatic(export_static::Options),
    /// Bring in a folder of Markdown files with YAML or TOML front matter (Hugo, Zola, Jekyll,
    /// or `export-markdown`): posts, their images and comments, in one transaction.
    ImportMarkdown(import_markdown::Options),
    /// Bring in a WordPress export (Tools → Export → All content): posts, pages, authors,
    /// categories and tags, comments, featured images; old addresses redirect to the new ones.
    ImportWordpress(import_wordpress::Options),
    /// Bring in a Ghost export (Settings → Labs → Export): posts, pages, staff users, tags,
    /// feature images; old addresses redirect to the new ones.
    ImportGhost(import_ghost::Options),
    /// Bring a blog made with the Flask course (users, posts and comments, passwords
    /// included) into the configured database, in one transaction, keeping every id.
    ImportFlask(import_flask::Options),
    /// Export or import the subscribers to new posts, as CSV.
    #[command(subcommand)]
    Subscribers(subscribers::SubscribersCommand),
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

/// Runs `command` to its end. Its error, if any, is said once, on stderr and in the log.
pub async fn run(command: Command, config: Config) -> ExitCode {
    match dispatch(command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("quire: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            crate::startup::memory::start_background_work();
            Ok(crate::http::serve(config).await?)
        }
        Command::Migrate => migrate::run(&config).await,
        Command::Check => check::run(&config).await,
        Command::CopyData {
            from,
            to,
            replace,
            sessions,
        } => copy_data::run(&from, &to, replace, sessions).await,
        Command::ImportFlask(options) => import_flask::run(&config, &options).await,
        Command::Demo(options) => {
            on_database(&config, async |db| demo::demo(db, &options).await).await
        }
        Command::SeedDemo => on_database(&config, async |db| demo::seed_demo(db).await).await,
        Command::Admin(command) => {
            // Without a public URL, the address the blog listens on (right on this machine).
            let base_url = config.site.public_url.clone();
            let base_url = base_url.unwrap_or_else(|| format!("http://{}", config.listen));
            on_database(&config, async |db| admin::run(db, &base_url, command).await).await
        }
        Command::Subscribers(command) => {
            on_database(&config, async |db| subscribers::run(db, command).await).await
        }
        Command::Export { output } => {
            on_database(&config, async |db| backup::export(db, &output).await).await
        }
        Command::ExportMarkdown { dir } => {
            on_database(&config, async |db| export_markdown::run(db, &dir).await).await
        }
        Command::ExportStatic(options) => export_static::run(&config, &options).await,
        Command::ImportMarkdown(options) => {
            on_database(&config, async |db| import_markdown::run(db, &options).await).await
        }
        Command::ImportWordpress(options) => {
            on_database(&config, async |db| {
                import_wordpress::run(db, &options).await
            })
            .await
        }
        Command::ImportGhost(options) => {
            on_database(&config, async |db| import_ghost::run(db, &options).await).await
        }
        Command::Import { input, replace } => {
            on_database(&config, async |db| {
                backup::import(db, &input, replace).await
            })
            .await
        }
    }
}

/// Runs `work` on the configured database (migrated first, as a start-up does), then closes
/// it (on SQLite this also folds the write-ahead log into the file).
async fn on_database(
    config: &Config,
    work: impl AsyncFnOnce(&Db) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let db = open_database(config).await?;
    let result = work(&db).await;
    db.close().await;
    result
}
