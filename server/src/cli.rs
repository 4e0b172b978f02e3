//! The command line: `quire` (serve) and the operator's commands.

use std::io::{BufRead, IsTerminal};

use app::auth::password;
use app::db::{self, posts::CreatePostError, users::CreateUserError, users::NewUser, Db};
use app::domain::{Email, Password, PostTitle, Role, UserName};

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
    /// Manage admin accounts without the web interface.
    #[command(subcommand)]
    Admin(AdminCommand),
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
    let db = open_database(&config).await?;
    let result = match command {
        Command::Serve => unreachable!("serving is not a one-off command"),
        Command::Demo { posts } => demo(&db, posts).await,
        Command::Admin(AdminCommand::Create { name, email }) => {
            create_admin(&db, &name, &email).await
        }
        Command::Admin(AdminCommand::Promote { email }) => promote(&db, &email).await,
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
