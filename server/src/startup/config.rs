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
    pub sessions: SessionSettings,
    /// The blog's public address (`QUIRE_PUBLIC_URL`), e.g. `https://blog.example.com`.
    pub public_url: Option<String>,
    /// Where contact messages are mailed, if anywhere.
    pub mail: Option<MailSettings>,
    /// How many times start-up tries to reach the database before giving up.
    pub connect_attempts: u32,
    pub connections: ConnectionLimits,
    /// A request that takes longer than this is answered 503.
    pub request_timeout: Duration,
    /// How many bytes of rendered pages each instance keeps for anonymous readers (0: none).
    pub page_cache_bytes: usize,
}

#[derive(Clone)]
pub struct MailSettings {
    pub smtp_url: String,
    pub to: String,
    pub from: Option<String>,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &app::db::mask_password(&self.smtp_url))
            .field("to", &self.to)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// Send the cookie only over HTTPS. Defaults to on when the public URL is https.
    pub secure_cookie: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
}

/// How many client connections may be open at once, and how long one may take to send a
/// request's headers (see `http::listener`).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
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
            statement_timeout: match number(
                &get,
                "QUIRE_DB_STATEMENT_TIMEOUT_SECS",
                5,
                0..=3600,
                "a number of seconds from 0 (no limit) to 3600",
            )? {
                0 => None,
                secs => Some(Duration::from_secs(secs)),
            },
            ..defaults
        };
        let connect_attempts = number(
            &get,
            "QUIRE_DB_CONNECT_ATTEMPTS",
            10,
            1..=1000,
            "a number from 1 to 1000",
        )?;

        let site = SiteSettings {
            page_size: number(
                &get,
                "QUIRE_PAGE_SIZE",
                SiteSettings::default().page_size,
                1..=100,
                "a number from 1 to 100",
            )?,
            ..SiteSettings::default()
        };

        let shutdown_timeout = Duration::from_secs(number(
            &get,
            "QUIRE_SHUTDOWN_TIMEOUT_SECS",
            10,
            0..=600,
            "a number of seconds from 0 to 600",
        )?);

        let connections = ConnectionLimits {
            max_connections: number(
                &get,
                "QUIRE_MAX_CONNECTIONS",
                512,
                1..=100_000,
                "a number from 1 to 100000",
            )?,
            header_timeout: Duration::from_secs(number(
                &get,
                "QUIRE_HEADER_TIMEOUT_SECS",
                10,
                1..=300,
                "a number of seconds from 1 to 300",
            )?),
        };
        let request_timeout = Duration::from_secs(number(
            &get,
            "QUIRE_REQUEST_TIMEOUT_SECS",
            30,
            1..=600,
            "a number of seconds from 1 to 600",
        )?);

        let page_cache_bytes = number(
            &get,
            "QUIRE_PAGE_CACHE_MIB",
            8,
            0..=1024,
            "a number of MiB from 0 (no cache) to 1024",
        )? as usize
            * 1024
            * 1024;

        let public_url = match get("QUIRE_PUBLIC_URL") {
            Some(url) => Some(parse_public_url(&url)?),
            None => None,
        };
        let secure_default = public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let sessions = SessionSettings {
            secure_cookie: flag(&get, "QUIRE_SECURE_COOKIE", secure_default)?,
            idle_timeout: Duration::from_secs(
                60 * number(
                    &get,
                    "QUIRE_SESSION_IDLE_MINUTES",
                    7 * 24 * 60,
                    5..=525_600,
                    "a number of minutes from 5 to 525600",
                )?,
            ),
        };
        let site = SiteSettings {
            admin_email: match get("ADMIN_EMAIL") {
                Some(raw) => Some(
                    app::domain::Email::parse(&raw)
                        .map_err(|_| ConfigError::Invalid {
                            variable: "ADMIN_EMAIL",
                            expected: "an email address",
                            value: raw.clone(),
                        })?
                        .as_str()
                        .to_owned(),
                ),
                None => None,
            },
            trust_forwarded_for: flag(&get, "QUIRE_TRUST_FORWARDED_FOR", false)?,
            gravatar: flag(&get, "QUIRE_GRAVATAR", false)?,
            registrations_per_hour: number(
                &get,
                "QUIRE_REGISTRATIONS_PER_HOUR",
                SiteSettings::default().registrations_per_hour,
                1..=100_000,
                "a number from 1 to 100000",
            )?,
            comments_per_hour: number(
                &get,
                "QUIRE_COMMENTS_PER_HOUR",
                SiteSettings::default().comments_per_hour,
                1..=1_000_000,
                "a number from 1 to 1000000",
            )?,
            ..site
        };

        let mail = match (get("SMTP_URL"), get("CONTACT_TO")) {
            (Some(smtp_url), Some(to)) => Some(MailSettings {
                smtp_url,
                to,
                from: get("CONTACT_FROM"),
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::Invalid {
                    variable: "CONTACT_TO",
                    expected: "set when SMTP_URL is (the address contact messages go to)",
                    value: String::new(),
                })
            }
            (None, Some(to)) => {
                return Err(ConfigError::Invalid {
                    variable: "SMTP_URL",
                    expected: "set when CONTACT_TO is (the SMTP server that sends them)",
                    value: to,
                })
            }
        };

        let site = SiteSettings {
            public_url: public_url.clone(),
            ..site
        };

        Ok(Config {
            connect_attempts,
            connections,
            request_timeout,
            page_cache_bytes,
            mail,
            sessions,
            public_url,
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

fn flag(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(variable).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if matches!(v.as_str(), "1" | "true" | "yes" | "on") => Ok(true),
        Some(v) if matches!(v.as_str(), "0" | "false" | "no" | "off") => Ok(false),
        Some(v) => Err(ConfigError::Invalid {
            variable,
            expected: "true or false",
            value: v,
        }),
    }
}

/// `scheme://host[:port]`, without a trailing slash: the form browsers send in `Origin`.
fn parse_public_url(raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim().trim_end_matches('/');
    let ok = ["http://", "https://"].iter().any(|scheme| {
        url.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(['/', '?', '#', ' ', '@']))
    });
    if ok {
        Ok(url.to_owned())
    } else {
        Err(ConfigError::Invalid {
            variable: "QUIRE_PUBLIC_URL",
            expected: "an http(s) address without a path, like https://blog.example.com",
            value: raw.to_owned(),
        })
    }
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
    fn cookies_are_secure_by_default_behind_an_https_public_url() {
        assert!(!config(&[]).unwrap().sessions.secure_cookie);
        let https = config(&[("QUIRE_PUBLIC_URL", "https://blog.example.com/")]).unwrap();
        assert!(https.sessions.secure_cookie);
        assert_eq!(
            https.public_url.as_deref(),
            Some("https://blog.example.com")
        );
        let overridden = config(&[
            ("QUIRE_PUBLIC_URL", "https://blog.example.com"),
            ("QUIRE_SECURE_COOKIE", "false"),
        ])
        .unwrap();
        assert!(!overridden.sessions.secure_cookie);
        assert!(
            config(&[("QUIRE_SECURE_COOKIE", "yes")])
                .unwrap()
                .sessions
                .secure_cookie
        );
    }

    #[test]
    fn bad_account_settings_are_refused() {
        for (var, value) in [
            ("QUIRE_PUBLIC_URL", "blog.example.com"),
            ("QUIRE_PUBLIC_URL", "https://blog.example.com/path"),
            ("QUIRE_SECURE_COOKIE", "maybe"),
            ("ADMIN_EMAIL", "not-an-email"),
            ("QUIRE_SESSION_IDLE_MINUTES", "1"),
        ] {
            let err = config(&[(var, value)]).unwrap_err().to_string();
            assert!(err.starts_with(var), "{err}");
        }
    }

    #[test]
    fn admin_email_is_normalized() {
        let c = config(&[("ADMIN_EMAIL", " Boss@Example.COM ")]).unwrap();
        assert_eq!(c.site.admin_email.as_deref(), Some("boss@example.com"));
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
