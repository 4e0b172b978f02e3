//! The command line: `quire` (serve) and the operator's commands.

use std::io::{BufRead, IsTerminal};

use app::auth::password;
use app::db::{self, users::CreateUserError, users::NewUser, Db};
use app::domain::{Email, Password, Role, UserName};

use crate::backup;
use crate::config::Config;
use crate::demo::{self, DemoOptions};
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
    /// Apply the database migrations this build has, then exit (as a release step).
    Migrate,
    /// Print the effective configuration and the database's state, without changing it.
    /// Exits non-zero when the database is unreachable or needs migrations.
    Check,
    /// Add sample posts by a "Quire Demo" author, to try the blog out (or to load it for a
    /// benchmark). Safe to run twice.
    Demo(DemoOptions),
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
    /// Bring a blog made with the Flask course (users, posts and comments, passwords
    /// included) into the configured database, in one transaction, keeping every id.
    ImportFlask(crate::commands::import_flask::Options),
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
    /// Set a new password for an account (asked for as with `create`); its sessions end.
    /// For an account imported unable to log in, or someone locked out.
    SetPassword { email: String },
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
    if let Command::ImportFlask(options) = &command {
        return crate::commands::import_flask::run(&config, options)
            .await
            .map_err(StartupError::Command);
    }
    let db = open_database(&config).await?;
    let result = match command {
        Command::Serve | Command::Migrate | Command::Check => {
            unreachable!("run by main: they open the database their own way")
        }
        Command::Demo(options) => demo::demo(&db, &options).await,
        Command::SeedDemo => demo::seed_demo(&db).await,
        Command::Admin(AdminCommand::Create { name, email }) => {
            create_admin(&db, &name, &email).await
        }
        Command::Admin(AdminCommand::Promote { email }) => promote(&db, &email).await,
        Command::Admin(AdminCommand::SetPassword { email }) => set_password(&db, &email).await,
        Command::Export { output } => backup::export(&db, &output).await,
        Command::Import { input, replace } => backup::import(&db, &input, replace).await,
        Command::CopyData { .. } | Command::ImportFlask(_) => unreachable!("handled above"),
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

async fn set_password(db: &Db, email: &str) -> Result<(), String> {
    let email = Email::parse(email)?;
    let Some(id) = db::users::id_by_email(db, email.as_str())
        .await
        .map_err(|e| format!("could not find the account: {e}"))?
    else {
        return Err(format!("no account has the email {}", email.as_str()));
    };
    let password = read_password()?;
    let hash = password::hash(&password).await?;
    // Sessions are bound to the password hash: every one of this account's ends.
    db::users::set_password_hash(db, id, &hash)
        .await
        .map_err(|e| format!("could not set the password: {e}"))?;
    tracing::info!(user.id = id, "password set by an operator");
    println!("{} has a new password.", email.as_str());
    Ok(())
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
