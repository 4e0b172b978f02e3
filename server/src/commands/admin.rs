//! `quire admin`: accounts managed without the web interface. Passwords are asked for at a
//! prompt, or read as one line from standard input — never taken from the command line.

use std::io::{BufRead, IsTerminal};

use anyhow::{anyhow, bail, Context as _};
use app::auth::password;
use app::db::{self, users::CreateUserError, users::NewUser, Db};
use app::domain::{Email, Password, Role, UserName};

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
    /// Print a one-time link (valid 30 minutes) with which the account's owner chooses a new
    /// password: for a blog without mail settings. Links start with QUIRE_PUBLIC_URL.
    ResetPassword { email: String },
    /// Turn off two-factor sign-in for an account whose owner lost both their phone and
    /// their recovery codes; its sessions end. The password still applies.
    #[command(name = "disable-2fa")]
    DisableTwoFactor { email: String },
}

pub async fn run(db: &Db, base_url: &str, command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::Create { name, email } => create_admin(db, &name, &email).await,
        AdminCommand::Promote { email } => promote(db, &email).await,
        AdminCommand::SetPassword { email } => set_password(db, &email).await,
        AdminCommand::ResetPassword { email } => reset_link(db, base_url, &email).await,
        AdminCommand::DisableTwoFactor { email } => disable_two_factor(db, &email).await,
    }
}

async fn disable_two_factor(db: &Db, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let Some(id) = db::users::id_by_email(db, &email)
        .await
        .context("could not find the account")?
    else {
        bail!("no account has the email {}", email.as_str());
    };
    // Sessions are bound to two-factor sign-in being on: every one of this account's ends.
    let was_on = db::two_factor::disable(db, id)
        .await
        .context("could not turn off two-factor sign-in")?;
    if !was_on {
        println!("{} does not use two-factor sign-in.", email.as_str());
        return Ok(());
    }
    db::sessions::end_all_but(db, id, None)
        .await
        .context("could not end the account's sessions")?;
    tracing::info!(user.id = id, "two-factor sign-in turned off by an operator");
    println!(
        "Two-factor sign-in is off for {}: they log in with their password alone, and can \
         set it up again on their account page.",
        email.as_str()
    );
    Ok(())
}

async fn reset_link(db: &Db, base_url: &str, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let link = app::service::resets::admin_link(db, &email, base_url)
        .await
        .context("could not make a reset link")?;
    let Some(link) = link else {
        bail!("no account has the email {}", email.as_str());
    };
    println!(
        "A one-time link for {}, valid for 30 minutes:\n{link}",
        email.as_str()
    );
    Ok(())
}

async fn create_admin(db: &Db, name: &str, email: &str) -> anyhow::Result<()> {
    let name = UserName::parse(name).map_err(|m| anyhow!("--name: {m}"))?;
    let email = Email::parse(email).map_err(|m| anyhow!("--email: {m}"))?;
    let password = read_password()?;
    let hash = password::hash(&password)
        .await
        .map_err(anyhow::Error::msg)?;
    let user = NewUser {
        name: &name,
        email: &email,
        password_hash: &hash,
        role: Role::Admin,
    };
    match db::users::create(db, &user).await {
        Ok(id) => {
            tracing::info!(user.id = id, "admin account created");
            println!("Created admin {} <{}>.", name.as_str(), email.as_str());
            Ok(())
        }
        Err(CreateUserError::DuplicateEmail) => bail!(
            "an account with {} exists already: use `quire admin promote {}`",
            email.as_str(),
            email.as_str()
        ),
        Err(CreateUserError::Db(e)) => Err(e).context("could not create the account"),
    }
}

async fn promote(db: &Db, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    match db::users::promote(db, &email).await {
        Ok(true) => {
            println!("{} is now an admin.", email.as_str());
            Ok(())
        }
        Ok(false) => bail!("no account has the email {}", email.as_str()),
        Err(e) => Err(e).context("could not promote the account"),
    }
}

async fn set_password(db: &Db, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let Some(id) = db::users::id_by_email(db, &email)
        .await
        .context("could not find the account")?
    else {
        bail!("no account has the email {}", email.as_str());
    };
    let password = read_password()?;
    let hash = password::hash(&password)
        .await
        .map_err(anyhow::Error::msg)?;
    // Sessions are bound to the password hash: every one of this account's ends.
    db::users::set_password_hash(db, id, &hash)
        .await
        .context("could not set the password")?;
    db::sessions::end_all_but(db, id, None)
        .await
        .context("could not end the account's sessions")?;
    tracing::info!(user.id = id, "password set by an operator");
    println!("{} has a new password.", email.as_str());
    Ok(())
}

/// Asks twice at a terminal; otherwise reads one line of standard input (only its line
/// ending is removed: passwords are taken exactly as typed).
fn read_password() -> anyhow::Result<Password> {
    let stdin = std::io::stdin();
    let raw = if stdin.is_terminal() {
        let first = rpassword::prompt_password("Password: ").context("reading the password")?;
        let again =
            rpassword::prompt_password("Password again: ").context("reading the password")?;
        if first != again {
            bail!("the passwords do not match");
        }
        first
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("reading the password")?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        line.strip_suffix('\r').unwrap_or(line).to_owned()
    };
    Password::parse(&raw).map_err(|m| anyhow!("password: {m}"))
}
