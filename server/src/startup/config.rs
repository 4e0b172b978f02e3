//! Quire's configuration: read from the environment once, at start-up, into one typed value.
//! Every variable is documented in `.env.example` and `docs/configuration.md`.
//!
//! clap reads the variables ([`Settings`]: each one's range, default and the flag that can
//! stand in for it), so a bad value stops Quire with a message naming the variable; the few
//! rules that tie settings together are [`Config::from_settings`]'s. A blank variable counts
//! as unset, as blank lines in a copied `.env.example` mean ([`drop_blank_variables`]).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{BoolishValueParser, RangedU64ValueParser};

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
    /// The first wait before a failed mail is tried again.
    pub retry: Duration,
    /// Mails of a post to subscribers per minute, at most.
    pub newsletter_per_minute: u32,
    /// Refusals in a row after which a subscriber is no longer mailed.
    pub newsletter_bounces: u32,
    /// How long a mail being sent is left to its sender before another may try it.
    pub lease: Duration,
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

/// Every setting, from its environment variable or the flag of the same meaning.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Settings (environment variables; a blank one counts as unset)")]
pub struct Settings {
    /// The database: sqlite:PATH, postgres://… or postgresql://… [default: sqlite://data/quire.db]
    #[arg(
        long,
        env = "DATABASE_URL",
        value_name = "DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Read when DATABASE_URL is unset (the Flask tutorial's name for it)
    #[arg(long, env = "DB_URI", value_name = "DB_URI", hide_env_values = true)]
    db_uri: Option<String>,
    /// Listen on 0.0.0.0:PORT, as hosting platforms expect [default: LEPTOS_SITE_ADDR]
    #[arg(long, env = "PORT", value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,
    /// Connections in the database pool
    #[arg(long, env = "QUIRE_DB_MAX_CONNECTIONS", value_name = "QUIRE_DB_MAX_CONNECTIONS", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    db_max_connections: u32,
    /// Seconds a request waits for a database connection
    #[arg(long, env = "QUIRE_DB_ACQUIRE_TIMEOUT_SECS", value_name = "QUIRE_DB_ACQUIRE_TIMEOUT_SECS", default_value_t = 5, value_parser = seconds(1, 300))]
    db_acquire_timeout_secs: u64,
    /// Start-up tries to reach the database this often before exiting 1
    #[arg(long, env = "QUIRE_DB_CONNECT_ATTEMPTS", value_name = "QUIRE_DB_CONNECT_ATTEMPTS", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    db_connect_attempts: u32,
    /// PostgreSQL cancels statements running longer, in seconds (0: no limit)
    #[arg(long, env = "QUIRE_DB_STATEMENT_TIMEOUT_SECS", value_name = "QUIRE_DB_STATEMENT_TIMEOUT_SECS", default_value_t = 5, value_parser = seconds(0, 3600))]
    db_statement_timeout_secs: u64,
    /// Grace period for open requests after SIGTERM/SIGINT, in seconds
    #[arg(long, env = "QUIRE_SHUTDOWN_TIMEOUT_SECS", value_name = "QUIRE_SHUTDOWN_TIMEOUT_SECS", default_value_t = 10, value_parser = seconds(0, 600))]
    shutdown_timeout_secs: u64,
    /// Client connections open at once; more wait until one closes
    #[arg(long, env = "QUIRE_MAX_CONNECTIONS", value_name = "QUIRE_MAX_CONNECTIONS", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_connections: u32,
    /// Seconds a client has to send a request's headers (also the idle keep-alive limit)
    #[arg(long, env = "QUIRE_HEADER_TIMEOUT_SECS", value_name = "QUIRE_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = seconds(1, 300))]
    header_timeout_secs: u64,
    /// A request not answered within this many seconds gets 503
    #[arg(long, env = "QUIRE_REQUEST_TIMEOUT_SECS", value_name = "QUIRE_REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = seconds(1, 600))]
    request_timeout_secs: u64,
    /// MiB of rendered pages kept for anonymous readers (0: no cache)
    #[arg(long, env = "QUIRE_PAGE_CACHE_MIB", value_name = "QUIRE_PAGE_CACHE_MIB", default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=1024))]
    page_cache_mib: u32,
    /// Revisions kept per post, newest first (every save makes one)
    #[arg(long, env = "QUIRE_REVISIONS_KEPT", value_name = "QUIRE_REVISIONS_KEPT", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    revisions_kept: u32,
    /// Posts per page on the home page
    #[arg(long, env = "QUIRE_PAGE_SIZE", value_name = "QUIRE_PAGE_SIZE", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100))]
    page_size: u32,
    /// The only email that becomes admin when it registers
    #[arg(long, env = "ADMIN_EMAIL", value_name = "ADMIN_EMAIL", value_parser = email)]
    admin_email: Option<String>,
    /// The public address, e.g. https://blog.example.com (https turns on Secure cookies)
    #[arg(long, env = "QUIRE_PUBLIC_URL", value_name = "QUIRE_PUBLIC_URL", value_parser = public_url)]
    public_url: Option<String>,
    /// Send the session cookie only over HTTPS [default: on when the public URL is https]
    #[arg(long, env = "QUIRE_SECURE_COOKIE", value_name = "QUIRE_SECURE_COOKIE", value_parser = BoolishValueParser::new())]
    secure_cookie: Option<bool>,
    /// A session ends after this many minutes without a request
    #[arg(long, env = "QUIRE_SESSION_IDLE_MINUTES", value_name = "QUIRE_SESSION_IDLE_MINUTES", default_value_t = 7 * 24 * 60, value_parser = clap::value_parser!(u64).range(5..=525_600))]
    session_idle_minutes: u64,
    /// New accounts per client address per hour
    #[arg(long, env = "QUIRE_REGISTRATIONS_PER_HOUR", value_name = "QUIRE_REGISTRATIONS_PER_HOUR", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    registrations_per_hour: u32,
    /// Comments per reader per hour (the admin is not limited)
    #[arg(long, env = "QUIRE_COMMENTS_PER_HOUR", value_name = "QUIRE_COMMENTS_PER_HOUR", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    comments_per_hour: u32,
    /// Take the client's address from the last X-Forwarded-For entry (behind a proxy only)
    #[arg(long, env = "QUIRE_TRUST_FORWARDED_FOR", value_name = "QUIRE_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set, value_parser = BoolishValueParser::new())]
    trust_forwarded_for: bool,
    /// Comment avatars from Gravatar (readers' browsers ask gravatar.com)
    #[arg(long, env = "QUIRE_GRAVATAR", value_name = "QUIRE_GRAVATAR", default_value_t = false, action = clap::ArgAction::Set, value_parser = BoolishValueParser::new())]
    gravatar: bool,
    /// `required`: admins must turn on two-factor sign-in before acting as admins
    #[arg(long, env = "QUIRE_ADMIN_2FA", value_name = "QUIRE_ADMIN_2FA", default_value = "optional", action = clap::ArgAction::Set, value_parser = admin_two_factor)]
    admin_2fa: bool,
    /// `before-commenting`: new accounts confirm their address by a mailed link before they
    /// comment (needs SMTP_URL and QUIRE_PUBLIC_URL); `off`: never asked
    #[arg(long, env = "QUIRE_VERIFY_EMAIL", value_name = "QUIRE_VERIFY_EMAIL", default_value = "before-commenting", action = clap::ArgAction::Set, value_parser = verify_email)]
    verify_email: bool,
    /// The SMTP server for contact messages: smtps://user:pass@host, smtp://host:25, …
    #[arg(
        long,
        env = "SMTP_URL",
        value_name = "SMTP_URL",
        hide_env_values = true
    )]
    smtp_url: Option<String>,
    /// Where contact messages are mailed (required with SMTP_URL)
    #[arg(long, env = "CONTACT_TO", value_name = "CONTACT_TO")]
    contact_to: Option<String>,
    /// The From address of those mails [default: CONTACT_TO]
    #[arg(long, env = "CONTACT_FROM", value_name = "CONTACT_FROM")]
    contact_from: Option<String>,
    /// Seconds before a mail the SMTP server did not take is tried again (doubling each time)
    #[arg(long, env = "QUIRE_MAIL_RETRY_SECONDS", value_name = "QUIRE_MAIL_RETRY_SECONDS", default_value_t = 60, value_parser = seconds(1, 86_400))]
    mail_retry_secs: u64,
    /// Mails of a new post to subscribers sent per minute, at most (gentle on small SMTP providers)
    #[arg(long, env = "QUIRE_NEWSLETTER_PER_MINUTE", value_name = "QUIRE_NEWSLETTER_PER_MINUTE", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=60_000))]
    newsletter_per_minute: u32,
    /// Permanent refusals (5xx) in a row after which a subscriber's address is no longer mailed
    #[arg(long, env = "QUIRE_NEWSLETTER_BOUNCES", value_name = "QUIRE_NEWSLETTER_BOUNCES", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    newsletter_bounces: u32,
    /// Seconds a mail being sent is left to its sender before another instance (or this one, after a crash) tries it again
    #[arg(long, env = "QUIRE_MAIL_LEASE_SECONDS", value_name = "QUIRE_MAIL_LEASE_SECONDS", default_value_t = 300, value_parser = seconds(15, 3_600))]
    mail_lease_secs: u64,
}

/// A number of seconds in `min..=max`.
fn seconds(min: u64, max: u64) -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(min..=max)
}

fn email(raw: &str) -> Result<String, String> {
    app::domain::Email::parse(raw)
        .map(|email| email.as_str().to_owned())
        .map_err(|_| "not an email address".to_owned())
}

/// `optional` or `required`, as whether admins need two-factor sign-in.
fn admin_two_factor(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "optional" => Ok(false),
        "required" => Ok(true),
        _ => Err("`optional` or `required`".into()),
    }
}

/// `before-commenting` or `off`, as whether new accounts verify their address.
fn verify_email(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "before-commenting" => Ok(true),
        "off" => Ok(false),
        _ => Err("`before-commenting` or `off`".into()),
    }
}

/// `scheme://host[:port]`, without a trailing slash: the form browsers send in `Origin`.
fn public_url(raw: &str) -> Result<String, String> {
    let url = raw.trim().trim_end_matches('/');
    let ok = ["http://", "https://"].iter().any(|scheme| {
        url.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(['/', '?', '#', ' ', '@']))
    });
    match ok {
        true => Ok(url.to_owned()),
        false => Err("not an http(s) address without a path, like https://blog.example.com".into()),
    }
}

/// Removes the variables that are set but blank, so that they count as unset (clap would
/// take them as values). Call before any other thread exists.
pub fn drop_blank_variables() {
    for (name, value) in std::env::vars_os() {
        if value.to_str().is_some_and(|v| v.trim().is_empty()) {
            // Safe: start-up is single-threaded still.
            std::env::remove_var(name);
        }
    }
}

impl Config {
    /// The configuration the settings describe, with the rules that tie some together: which
    /// database variable wins, the cookie's default, SMTP and its recipient going together.
    pub fn from_settings(settings: Settings, leptos: LeptosOptions) -> Result<Config, ConfigError> {
        let s = settings;
        let database = match (s.database_url, s.db_uri) {
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
        // Hosts such as Render route to $PORT on every interface.
        let listen = s.port.map_or(leptos.site_addr, |port| {
            SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))
        });
        let pool = PoolSettings {
            max_connections: s.db_max_connections,
            acquire_timeout: Duration::from_secs(s.db_acquire_timeout_secs),
            statement_timeout: (s.db_statement_timeout_secs > 0)
                .then(|| Duration::from_secs(s.db_statement_timeout_secs)),
            ..PoolSettings::default()
        };
        let https = s
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let sessions = SessionSettings {
            secure_cookie: s.secure_cookie.unwrap_or(https),
            idle_timeout: Duration::from_secs(60 * s.session_idle_minutes),
        };
        let site = SiteSettings {
            page_size: s.page_size,
            admin_email: s.admin_email,
            trust_forwarded_for: s.trust_forwarded_for,
            registrations_per_hour: s.registrations_per_hour,
            comments_per_hour: s.comments_per_hour,
            public_url: s.public_url.clone(),
            gravatar: s.gravatar,
            admin_two_factor: s.admin_2fa,
            verify_email: s.verify_email,
            revisions_kept: s.revisions_kept,
            static_export: false,
        };
        let mail = match (s.smtp_url, s.contact_to) {
            (Some(smtp_url), Some(to)) => Some(MailSettings {
                smtp_url,
                to,
                from: s.contact_from,
                retry: Duration::from_secs(s.mail_retry_secs),
                newsletter_per_minute: s.newsletter_per_minute,
                newsletter_bounces: s.newsletter_bounces,
                lease: Duration::from_secs(s.mail_lease_secs),
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
        Ok(Config {
            database,
            listen,
            leptos,
            pool,
            site,
            shutdown_timeout: Duration::from_secs(s.shutdown_timeout_secs),
            sessions,
            public_url: s.public_url,
            mail,
            connect_attempts: s.db_connect_attempts,
            connections: ConnectionLimits {
                max_connections: s.max_connections as usize,
                header_timeout: Duration::from_secs(s.header_timeout_secs),
            },
            request_timeout: Duration::from_secs(s.request_timeout_secs),
            page_cache_bytes: s.page_cache_mib as usize * 1024 * 1024,
        })
    }
}

/// Settings made from variables given as pairs, not the process's environment (tests, and
/// servers started in-process). Blank values count as unset, as in the environment.
pub fn settings_from(vars: &[(&str, &str)]) -> Result<Settings, clap::Error> {
    use clap::{Args, FromArgMatches};
    let command = Settings::augment_args(clap::Command::new("quire"));
    let mut args = vec!["quire".to_owned()];
    for (name, value) in vars.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let arg = command
            .get_arguments()
            .find(|a| a.get_env().is_some_and(|e| e == *name))
            .ok_or_else(|| {
                clap::Error::raw(
                    clap::error::ErrorKind::UnknownArgument,
                    format!("no setting reads {name}\n"),
                )
            })?;
        args.push(format!(
            "--{}={value}",
            arg.get_long().expect("a long flag")
        ));
    }
    // The real environment must not leak in.
    let command = command.mut_args(|a| a.env(None::<&str>));
    Settings::from_arg_matches(&command.try_get_matches_from(args)?)
}

/// Every environment variable Quire reads: the settings' (clap's `env` names), then the few
/// read outside clap, logging's (`startup::telemetry`) and Leptos' address and site folder.
/// `.env.example` lists exactly these, which the deploy_files integration tests hold it to.
pub fn variable_names() -> Vec<String> {
    use clap::Args;
    let command = Settings::augment_args(clap::Command::new("quire"));
    let settings = command
        .get_arguments()
        .filter_map(|a| a.get_env())
        .map(|name| name.to_string_lossy().into_owned());
    let others = [
        "RUST_LOG",
        "LOG_FORMAT",
        "LEPTOS_SITE_ADDR",
        "LEPTOS_SITE_ROOT",
    ];
    settings.chain(others.map(str::to_owned)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::db::Backend;

    fn config(vars: &[(&str, &str)]) -> Result<Config, String> {
        let leptos = LeptosOptions::builder()
            .output_name("quire")
            .site_addr(SocketAddr::from(([127, 0, 0, 1], 3000)))
            .build();
        let settings = settings_from(vars).map_err(|e| e.to_string())?;
        Config::from_settings(settings, leptos).map_err(|e| e.to_string())
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
        assert!(err.starts_with("DB_URI is not"), "{err}");
        assert!(!err.contains("pw@"), "{err}");
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
            let err = config(&[(var, value)]).unwrap_err();
            assert!(err.contains(var), "{err}");
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
            let err = config(&[(var, value)]).unwrap_err();
            assert!(err.contains(var), "{err}");
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
