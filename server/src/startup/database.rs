//! Opening the configured database: connecting (retrying while it comes up) and bringing
//! its schema up to date.

use app::db::{DatabaseUrl, Db};

use super::{Config, StartupError};

/// Connects to the configured database and brings its schema up to date.
pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
    let url = &config.database.url;
    match config.database.variable {
        Some(variable) => {
            tracing::info!(%url, from = variable, backend = %url.backend(), "opening database")
        }
        None => tracing::info!(%url, "no DATABASE_URL set: using a local SQLite file"),
    }
    let db = connect_with_retries(config).await?;
    if let Some(file) = db.sqlite_file() {
        let shown = std::path::absolute(&file).unwrap_or(file);
        tracing::info!(path = %shown.display(), "SQLite database file");
        if config.database.variable.is_none() && std::env::var_os("PORT").is_some() {
            tracing::warn!(
                "PORT is set, as on a hosting platform, but DATABASE_URL is not: posts are kept \
                 in a local file, which hosts with ephemeral disks delete on every deploy"
            );
        }
    }
    db.migrate().await?;
    tracing::info!("database schema is up to date");
    Ok(db)
}

/// Connects, retrying with a doubling wait (0.5 s up to 8 s) while the database is not up
/// yet — as when a host starts the blog before its database has finished provisioning.
pub async fn connect_with_retries(config: &Config) -> Result<Db, StartupError> {
    let url = &config.database.url;
    let attempts = config.connect_attempts;
    let mut wait = std::time::Duration::from_millis(500);
    for attempt in 1..=attempts {
        match Db::connect(url, &config.pool).await {
            Ok(db) => return Ok(db),
            Err(source) if attempt == attempts => return Err(connect_error(url, source, attempts)),
            Err(e) => {
                tracing::warn!(%url, attempt, of = attempts, retry_in = ?wait, error = %e, "database not reachable yet");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(8));
            }
        }
    }
    unreachable!("the last attempt returns")
}

fn connect_error(url: &DatabaseUrl, source: sqlx::Error, attempts: u32) -> StartupError {
    StartupError::Connect {
        url: url.to_string(),
        attempts,
        source,
    }
}
