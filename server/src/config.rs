//! Quire's configuration: read from the environment once, at start-up, into one typed value.
//! Every variable is documented in `.env.example` and the README.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use app::db::{DatabaseUrl, PoolSettings, UrlError, SQLITE_DEFAULT_PATH};
use app::state::SiteSettings;
use leptos::config::LeptosOptions;

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseChoice,
    /// Where to listen: `0.0.0.0:$PORT` when `PORT` is set, else `LEPTOS_SITE_ADDR`.
    pub listen: SocketAddr,
    pub leptos: LeptosOptions,
    pub pool: PoolSettings,
    pub site: SiteSettings,
    /// How long open connections may take to finish after a shutdown signal.
    pub shutdown_timeout: Duration,
}

/// The database URL and where it came from, for the start-up log.
#[derive(Debug, Clone)]
pub struct DatabaseChoice {
    pub url: DatabaseUrl,
    /// `DATABASE_URL`, `DB_URI`, or `None` for the default SQLite file.
    pub variable: Option<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    DatabaseUrl(#[from] UrlError),
    #[error("{variable} must be {expected}, not {value:?}")]
    Invalid {
        variable: &'static str,
        expected: &'static str,
        value: String,
    },
}

impl Config {
    /// Reads the process environment (after `.env` has been loaded into it).
    pub fn from_env(leptos: LeptosOptions) -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok(), leptos)
    }

    /// Reads configuration through `get`, so tests need not touch the real environment.
    /// An empty variable counts as unset, as blank lines in a copied `.env.example` mean.
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        leptos: LeptosOptions,
    ) -> Result<Config, ConfigError> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());

        let database = match (get("DATABASE_URL"), get("DB_URI")) {
            (Some(url), _) => DatabaseChoice {
                url: DatabaseUrl::parse("DATABASE_URL", &url)?,
                variable: Some("DATABASE_URL"),
            },
            (None, Some(url)) => DatabaseChoice {
                url: DatabaseUrl::parse("DB_URI", &url)?,
                variable: Some("DB_URI"),
            },
            (None, None) => DatabaseChoice {
                url: DatabaseUrl::sqlite_file(&PathBuf::from(SQLITE_DEFAULT_PATH)),
                variable: None,
            },
        };

        let listen = match get("PORT") {
            // Hosts such as Render route to $PORT on every interface.
            Some(port) => SocketAddr::from((
                Ipv4Addr::UNSPECIFIED,
                parse("PORT", &port, "a port number (1-65535)", |p: &u16| *p > 0)?,
            )),
            None => leptos.site_addr,
        };

        let defaults = PoolSettings::default();
        let pool = PoolSettings {
            max_connections: number(
                &get,
                "QUIRE_DB_MAX_CONNECTIONS",
                defaults.max_connections,
                1..=1000,
                "a number from 1 to 1000",
            )?,
            acquire_timeout: Duration::from_secs(number(
                &get,
                "QUIRE_DB_ACQUIRE_TIMEOUT_SECS",
                defaults.acquire_timeout.as_secs(),
                1..=300,
                "a number of seconds from 1 to 300",
            )?),
            ..defaults
        };

        let site = SiteSettings {
            page_size: number(
                &get,
                "QUIRE_PAGE_SIZE",
                SiteSettings::default().page_size,
                1..=100,
                "a number from 1 to 100",
            )?,
        };

        let shutdown_timeout = Duration::from_secs(number(
            &get,
            "QUIRE_SHUTDOWN_TIMEOUT_SECS",
            10,
            0..=600,
            "a number of seconds from 0 to 600",
        )?);

        Ok(Config {
            database,
            listen,
            leptos,
            pool,
            site,
            shutdown_timeout,
        })
    }
}

fn parse<T: FromStr>(
    variable: &'static str,
    value: &str,
    expected: &'static str,
    ok: impl Fn(&T) -> bool,
) -> Result<T, ConfigError> {
    value
        .trim()
        .parse::<T>()
        .ok()
        .filter(ok)
        .ok_or_else(|| ConfigError::Invalid {
            variable,
            expected,
            value: value.to_owned(),
        })
}

fn number<T: FromStr + PartialOrd + Copy>(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
    expected: &'static str,
) -> Result<T, ConfigError> {
    match get(variable) {
        Some(value) => parse(variable, &value, expected, |n| range.contains(n)),
        None => Ok(default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::db::Backend;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let leptos = LeptosOptions::builder()
            .output_name("quire")
            .site_addr(SocketAddr::from(([127, 0, 0, 1], 3000)))
            .build();
        Config::from_lookup(|k| vars.get(k).cloned(), leptos)
    }

    #[test]
    fn with_nothing_set_the_blog_runs_on_a_local_sqlite_file() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database.url.backend(), Backend::Sqlite);
        assert!(c.database.url.expose().ends_with(SQLITE_DEFAULT_PATH));
        assert_eq!(c.database.variable, None);
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.site.page_size, 10);
    }

    #[test]
    fn database_url_wins_over_db_uri() {
        let c = config(&[
            ("DATABASE_URL", "postgres://a@h/one"),
            ("DB_URI", "postgresql://a@h/two"),
        ])
        .unwrap();
        assert_eq!(c.database.url.expose(), "postgres://a@h/one");
        assert_eq!(c.database.variable, Some("DATABASE_URL"));
    }

    #[test]
    fn db_uri_is_used_when_database_url_is_unset_or_blank() {
        for vars in [
            vec![("DB_URI", "postgresql://a@h/two")],
            vec![("DATABASE_URL", " "), ("DB_URI", "postgresql://a@h/two")],
        ] {
            let c = config(&vars).unwrap();
            assert_eq!(c.database.url.backend(), Backend::Postgres);
            assert_eq!(c.database.variable, Some("DB_URI"));
        }
    }

    #[test]
    fn a_bad_url_names_its_variable() {
        let err = config(&[("DB_URI", "mysql://u:pw@h/db")]).unwrap_err();
        assert!(err.to_string().starts_with("DB_URI is not"), "{err}");
        assert!(!err.to_string().contains("pw@"), "{err}");
    }

    #[test]
    fn port_binds_every_interface() {
        let c = config(&[("PORT", "10000")]).unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:10000");
    }

    #[test]
    fn bad_numbers_are_refused_with_the_variable_and_the_range() {
        for (var, value) in [
            ("PORT", "http"),
            ("PORT", "0"),
            ("PORT", "70000"),
            ("QUIRE_PAGE_SIZE", "0"),
            ("QUIRE_PAGE_SIZE", "1000"),
            ("QUIRE_DB_MAX_CONNECTIONS", "-1"),
        ] {
            let err = config(&[(var, value)]).unwrap_err().to_string();
            assert!(err.starts_with(var), "{err}");
            assert!(err.contains(value), "{err}");
        }
    }

    #[test]
    fn numbers_in_range_are_taken() {
        let c = config(&[
            ("QUIRE_PAGE_SIZE", "25"),
            ("QUIRE_DB_MAX_CONNECTIONS", "3"),
            ("QUIRE_DB_ACQUIRE_TIMEOUT_SECS", "2"),
        ])
        .unwrap();
        assert_eq!(c.site.page_size, 25);
        assert_eq!(c.pool.max_connections, 3);
        assert_eq!(c.pool.acquire_timeout, Duration::from_secs(2));
    }
}
