//! Start-up: what every command needs before it runs, in a fixed order — the environment
//! (`.env`), logging, configuration, then (for those that use one) the database.

pub mod config;
pub mod database;
pub mod memory;
pub mod telemetry;

use std::process::ExitCode;

pub use config::Config;

/// Why the blog could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "could not open the database {url} after {attempts} attempt(s): {source}\n  \
         Check that the database server is running and reachable, and that the URL's user, \
         password and database name are right (QUIRE_DB_CONNECT_ATTEMPTS sets how long to wait)."
    )]
    Connect {
        url: String,
        attempts: u32,
        source: sqlx::Error,
    },
    #[error("could not apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
    #[error("{0}")]
    Mail(String),
}

/// Starts logging and makes the configuration of `settings` (read by clap from the
/// environment, `.env` included: its loading's outcome is `dotenv`). On failure, says why on
/// stderr and gives the exit code: 2, the configuration is wrong.
pub fn prepare(
    dotenv: Result<std::path::PathBuf, dotenvy::Error>,
    settings: config::Settings,
) -> Result<Config, ExitCode> {
    telemetry::init();
    match dotenv {
        Ok(path) => tracing::info!(path = %path.display(), "read settings from .env"),
        Err(e) if e.not_found() => {}
        Err(e) => {
            eprintln!("quire: could not read .env: {e}");
            return Err(ExitCode::from(2));
        }
    }
    let leptos = leptos_options().map_err(|e| {
        eprintln!("quire: invalid LEPTOS_* setting: {e}");
        ExitCode::from(2)
    })?;
    Config::from_settings(settings, leptos).map_err(|e| {
        eprintln!("quire: {e}");
        ExitCode::from(2)
    })
}

/// Leptos' settings for a server started in-process (tests): the client bundle in
/// `site_root`, nothing read from the environment.
pub fn leptos_options_at(site_root: &str) -> leptos::config::LeptosOptions {
    leptos::config::LeptosOptions::builder()
        .output_name("quire")
        .site_root(site_root)
        .site_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .build()
}

/// Leptos' settings (site root, address, …) from its `LEPTOS_*` variables.
fn leptos_options(
) -> Result<leptos::config::LeptosOptions, leptos::config::errors::LeptosConfigError> {
    // cargo-leptos sets the output name while it builds or serves; a binary built by plain
    // `cargo` (tests) or started on its own knows it from Cargo.toml's `output-name`.
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_none() {
        // Safe: no other thread exists yet.
        std::env::set_var("LEPTOS_OUTPUT_NAME", "quire");
    }
    let mut options = leptos::config::get_configuration(None)?.leptos_options;
    if std::env::var_os("LEPTOS_ENV").is_none() && !cfg!(debug_assertions) {
        options.env = leptos::config::Env::PROD;
    }
    Ok(options)
}

/// What server functions and handlers share: the pool, the settings, and the mailer when
/// SMTP is configured.
pub fn app_state(config: &Config, db: app::db::Db) -> Result<app::state::AppState, StartupError> {
    use std::sync::Arc;
    let mailer = match &config.mail {
        Some(mail) => {
            let mut mailer =
                app::mail::Mailer::new(&mail.smtp_url, &mail.to, mail.from.as_deref(), mail.retry)
                    .map_err(StartupError::Mail)?;
            mailer.newsletter_gap =
                std::time::Duration::from_secs(60) / mail.newsletter_per_minute.max(1);
            mailer.newsletter_bounces = mail.newsletter_bounces.try_into().unwrap_or(i32::MAX);
            mailer.lease = mail.lease;
            tracing::info!(to = %mail.to, "contact messages are kept and mailed");
            if config.public_url.is_none() {
                tracing::warn!(
                    "QUIRE_PUBLIC_URL is not set: password resets by email are off (a link \
                     built from a request's Host could point at someone else's site)"
                );
            }
            Some(Arc::new(mailer))
        }
        None => {
            tracing::info!(
                "SMTP_URL is not set: contact messages are kept in the admin's inbox only"
            );
            None
        }
    };
    Ok(app::state::AppState {
        leptos_options: config.leptos.clone(),
        freshness: Arc::new(app::freshness::Freshness::new(db.clone())),
        db,
        site: Arc::new(config.site.clone()),
        mailer,
    })
}
