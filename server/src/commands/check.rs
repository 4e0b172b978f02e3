//! `quire check`: what would this configuration do, and is the database ready for it —
//! without changing anything.

use std::fmt::Write as _;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use app::db::{Backend, DatabaseUrl, Db, MigrationStatus};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::Connection;

use crate::startup::Config;

/// How long `quire check` gives the database to answer: it is run by a person or a deploy
/// script waiting for a verdict, so it tries once instead of retrying like a start-up.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// `quire check`: prints the effective configuration (secrets masked), whether the database
/// answers and which migrations it has. Fails unless the blog could start and serve as is.
pub async fn run(config: &Config) -> anyhow::Result<()> {
    print!(
        "{}",
        configuration_report(config, |name| std::env::var(name).ok())
    );
    let url = &config.database.url;
    println!("\nDatabase: {url} ({})", url.backend());
    let status = match open_read_only(url).await {
        Ok(Some(db)) => {
            println!("  reachable: yes");
            let status = db.migration_status().await;
            db.close().await;
            status.context("could not read the database's migrations")?
        }
        Ok(None) => {
            println!("  reachable: the SQLite file does not exist yet (the first start or `quire migrate` creates it)");
            MigrationStatus::never_migrated(Backend::Sqlite)
        }
        Err(e) => {
            println!("  reachable: NO ({e})");
            bail!(
                "the database {url} is not reachable: {e}\n  Check that the database server is \
                 running and reachable from here, and that the URL's host, port, user, password \
                 and database name are right."
            );
        }
    };
    print!("{}", status_report(&status));
    verdict(&status)
}

/// Opens the database without creating, converting or locking anything: `Ok(None)` when a
/// SQLite file does not exist. One attempt, bounded by [`CHECK_TIMEOUT`].
async fn open_read_only(url: &DatabaseUrl) -> Result<Option<Db>, sqlx::Error> {
    match url.backend() {
        Backend::Sqlite => {
            let options = SqliteConnectOptions::from_str(url.expose())?
                .read_only(true)
                .create_if_missing(false);
            let file = options.get_filename();
            let in_memory = file.as_os_str().is_empty() || file.to_str() == Some(":memory:");
            if !in_memory && !file.exists() {
                return Ok(None);
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(CHECK_TIMEOUT)
                .connect_with(options)
                .await?;
            Ok(Some(Db::Sqlite(pool)))
        }
        Backend::Postgres => {
            let options = PgConnectOptions::from_str(url.expose())?.application_name("quire check");
            // One plain connection first: the pool would retry a refused connection until
            // its timeout and then report only "timed out", hiding the reason.
            let probe =
                tokio::time::timeout(CHECK_TIMEOUT, sqlx::PgConnection::connect_with(&options))
                    .await
                    .map_err(|_| {
                        sqlx::Error::Io(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            format!("no answer within {} s", CHECK_TIMEOUT.as_secs()),
                        ))
                    })??;
            probe.close().await?;
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(CHECK_TIMEOUT)
                .connect_with(options)
                .await?;
            Ok(Some(Db::Postgres(pool)))
        }
    }
}

/// Every setting as Quire understood it, secrets masked. `env` reads the variables that
/// only logging looks at.
fn configuration_report(config: &Config, env: impl Fn(&str) -> Option<String>) -> String {
    let unset = |what: &str| format!("(unset: {what})");
    let database_from = match config.database.variable {
        Some(variable) => format!("from {variable}"),
        None => "the default: neither DATABASE_URL nor DB_URI is set".to_owned(),
    };
    let listen_from = if env("PORT").is_some_and(|p| !p.trim().is_empty()) {
        "from PORT"
    } else {
        "from LEPTOS_SITE_ADDR"
    };
    let mail = config.mail.as_ref();
    let settings: Vec<(&str, String)> = vec![
        (
            "DATABASE_URL / DB_URI",
            format!("{} ({database_from})", config.database.url),
        ),
        ("backend", config.database.url.backend().to_string()),
        (
            "PORT / LEPTOS_SITE_ADDR",
            format!("listen on {} ({listen_from})", config.listen),
        ),
        ("LEPTOS_SITE_ROOT", config.leptos.site_root.to_string()),
        ("QUIRE_PAGE_SIZE", config.site.page_size.to_string()),
        (
            "QUIRE_REVISIONS_KEPT",
            config.site.revisions_kept.to_string(),
        ),
        (
            "QUIRE_DB_MAX_CONNECTIONS",
            config.pool.max_connections.to_string(),
        ),
        (
            "QUIRE_DB_ACQUIRE_TIMEOUT_SECS",
            config.pool.acquire_timeout.as_secs().to_string(),
        ),
        (
            "QUIRE_DB_CONNECT_ATTEMPTS",
            config.connect_attempts.to_string(),
        ),
        (
            "QUIRE_DB_STATEMENT_TIMEOUT_SECS",
            match config.pool.statement_timeout {
                Some(timeout) => timeout.as_secs().to_string(),
                None => "0 (no limit)".to_owned(),
            },
        ),
        (
            "QUIRE_SHUTDOWN_TIMEOUT_SECS",
            config.shutdown_timeout.as_secs().to_string(),
        ),
        (
            "QUIRE_MAX_CONNECTIONS",
            config.connections.max_connections.to_string(),
        ),
        (
            "QUIRE_HEADER_TIMEOUT_SECS",
            config.connections.header_timeout.as_secs().to_string(),
        ),
        (
            "QUIRE_REQUEST_TIMEOUT_SECS",
            config.request_timeout.as_secs().to_string(),
        ),
        (
            "QUIRE_PAGE_CACHE_MIB",
            match config.page_cache_bytes / (1024 * 1024) {
                0 => "0 (no page cache)".to_owned(),
                mib => format!("{mib} MiB of pages for anonymous readers"),
            },
        ),
        (
            "ADMIN_EMAIL",
            config.site.admin_email.clone().unwrap_or_else(|| {
                unset("the first account to register on a blog without an admin becomes admin")
            }),
        ),
        (
            "QUIRE_PUBLIC_URL",
            config.public_url.clone().unwrap_or_else(|| unset("none")),
        ),
        (
            "QUIRE_SECURE_COOKIE",
            config.sessions.secure_cookie.to_string(),
        ),
        (
            "QUIRE_SESSION_IDLE_MINUTES",
            (config.sessions.idle_timeout.as_secs() / 60).to_string(),
        ),
        (
            "QUIRE_REGISTRATIONS_PER_HOUR",
            config.site.registrations_per_hour.to_string(),
        ),
        (
            "QUIRE_COMMENTS_PER_HOUR",
            config.site.comments_per_hour.to_string(),
        ),
        (
            "QUIRE_TRUST_FORWARDED_FOR",
            config.site.trust_forwarded_for.to_string(),
        ),
        ("QUIRE_GRAVATAR", config.site.gravatar.to_string()),
        (
            "QUIRE_VERIFY_EMAIL",
            if config.site.verify_email {
                "before-commenting"
            } else {
                "off"
            }
            .to_owned(),
        ),
        (
            "QUIRE_ADMIN_2FA",
            if config.site.admin_two_factor {
                "required"
            } else {
                "optional"
            }
            .to_owned(),
        ),
        (
            "SMTP_URL",
            mail.map_or_else(
                || unset("contact messages are kept, not mailed"),
                |m| app::db::mask_password(&m.smtp_url),
            ),
        ),
        (
            "CONTACT_TO",
            mail.map_or_else(|| unset("none"), |m| m.to.clone()),
        ),
        (
            "CONTACT_FROM",
            mail.and_then(|m| m.from.clone())
                .unwrap_or_else(|| unset("CONTACT_TO")),
        ),
        (
            "QUIRE_MAIL_RETRY_SECONDS",
            mail.map_or_else(
                || unset("60; no mail is sent"),
                |m| m.retry.as_secs().to_string(),
            ),
        ),
        (
            "QUIRE_NEWSLETTER_PER_MINUTE",
            mail.map_or_else(
                || unset("60; no mail is sent"),
                |m| m.newsletter_per_minute.to_string(),
            ),
        ),
        (
            "QUIRE_MAIL_LEASE_SECONDS",
            mail.map_or_else(
                || unset("300; no mail is sent"),
                |m| m.lease.as_secs().to_string(),
            ),
        ),
        (
            "QUIRE_NEWSLETTER_BOUNCES",
            mail.map_or_else(
                || unset("3; no mail is sent"),
                |m| m.newsletter_bounces.to_string(),
            ),
        ),
        (
            "RUST_LOG",
            env("RUST_LOG").unwrap_or_else(|| unset("info,sqlx=warn,tower_sessions=warn")),
        ),
        (
            "LOG_FORMAT",
            match env("LOG_FORMAT") {
                Some(f) if f.eq_ignore_ascii_case("json") => "json".to_owned(),
                _ => "text".to_owned(),
            },
        ),
    ];
    let mut out = String::from("Configuration:\n");
    for (name, value) in settings {
        let _ = writeln!(out, "  {name:<32} {value}");
    }
    out
}

fn status_report(status: &MigrationStatus) -> String {
    let list = |migrations: &[app::db::MigrationId]| {
        migrations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "  migrations: {} applied, {} pending\n",
        status.applied.len(),
        status.pending.len()
    );
    for (label, migrations) in [
        ("applied", &status.applied),
        ("pending", &status.pending),
        ("unknown to this build", &status.unknown),
        ("changed or failed", &status.broken),
    ] {
        if !migrations.is_empty() {
            let _ = writeln!(out, "    {label}: {}", list(migrations));
        }
    }
    out
}

/// Ok when the blog can serve the database as it is; otherwise what to do about it.
fn verdict(status: &MigrationStatus) -> anyhow::Result<()> {
    let problem = if !status.broken.is_empty() {
        "the database has migrations that failed or were changed after they were applied: \
         restore it from a backup or repair the _sqlx_migrations table by hand"
    } else if !status.unknown.is_empty() {
        "the database was migrated by a newer Quire than this one: run that version (or newer)"
    } else if !status.pending.is_empty() {
        "the database needs migrations: run `quire migrate` (starting the server applies them too)"
    } else {
        println!("Ready: the database answers and its schema is up to date.");
        return Ok(());
    };
    Err(anyhow!(problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Config {
        let leptos = leptos::config::LeptosOptions::builder()
            .output_name("quire")
            .build();
        let settings = crate::startup::config::settings_from(vars).unwrap();
        Config::from_settings(settings, leptos).unwrap()
    }

    #[test]
    fn the_report_names_every_setting_of_env_example() {
        let report = configuration_report(&config(&[]), |_| None);
        let example = include_str!("../../../.env.example");
        let names = example
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()))
            .filter(|name| !name.is_empty());
        for name in names {
            assert!(report.contains(name), "{name} missing from:\n{report}");
        }
    }

    #[test]
    fn the_report_masks_passwords() {
        let report = configuration_report(
            &config(&[
                ("DATABASE_URL", "postgres://quire:db-secret@db:5432/quire"),
                ("SMTP_URL", "smtps://mailer:smtp-secret@smtp.example.com"),
                ("CONTACT_TO", "owner@example.com"),
            ]),
            |_| None,
        );
        assert!(report.contains("postgres://quire:****@db:5432/quire (from DATABASE_URL)"));
        assert!(report.contains("smtps://mailer:****@smtp.example.com"));
        assert!(!report.contains("secret"), "{report}");
    }

    #[test]
    fn pending_migrations_fail_the_check_with_what_to_do() {
        let fresh = MigrationStatus::never_migrated(Backend::Postgres);
        let err = verdict(&fresh).unwrap_err().to_string();
        assert!(err.contains("quire migrate"), "{err}");
        assert!(status_report(&fresh).contains("pending: 0001 initial schema"));
        let current = MigrationStatus {
            applied: fresh.pending.clone(),
            ..MigrationStatus::default()
        };
        assert!(verdict(&current).is_ok());
    }
}
