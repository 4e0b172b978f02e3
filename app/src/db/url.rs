//! Which database to use, parsed from a URL, and the URL made safe to print.

use std::fmt;

/// The schemes Quire accepts, as shown in error messages.
pub const ACCEPTED_SCHEMES: &str = "sqlite:, postgres://, postgresql://";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// A database URL with a supported scheme. Its `Display` masks the password, so it can be
/// logged; the raw URL is only handed to the driver.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    backend: Backend,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable} is not a supported database URL: {masked}\n  Accepted schemes: {ACCEPTED_SCHEMES}\n  Examples: sqlite:data/quire.db, postgres://user:password@host:5432/quire")]
pub struct UrlError {
    pub variable: String,
    pub masked: String,
}

impl DatabaseUrl {
    /// Parses the value of the environment variable `variable` (named in the error).
    pub fn parse(variable: &str, raw: &str) -> Result<Self, UrlError> {
        let raw = raw.trim();
        let lower = raw.to_ascii_lowercase();
        let backend = if lower.starts_with("sqlite:") && raw.len() > "sqlite:".len() {
            Backend::Sqlite
        } else if (lower.starts_with("postgres://") || lower.starts_with("postgresql://"))
            && !raw[raw.find("://").unwrap_or(0) + 3..].is_empty()
        {
            Backend::Postgres
        } else {
            return Err(UrlError {
                variable: variable.to_owned(),
                masked: mask_password(raw),
            });
        };
        Ok(DatabaseUrl {
            raw: raw.to_owned(),
            backend,
        })
    }

    /// A SQLite database in the file at `path` (created on first start).
    pub fn sqlite_file(path: &std::path::Path) -> Self {
        DatabaseUrl {
            raw: format!("sqlite://{}", path.display()),
            backend: Backend::Sqlite,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The file of a SQLite database (`None` for PostgreSQL and for in-memory databases).
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        use std::str::FromStr;
        if self.backend != Backend::Sqlite {
            return None;
        }
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(&self.raw).ok()?;
        let path = options.get_filename();
        (!path.as_os_str().is_empty() && path != std::path::Path::new(":memory:"))
            .then(|| path.to_path_buf())
    }

    /// The URL with its password; for the driver only, never for logs.
    pub fn expose(&self) -> &str {
        &self.raw
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_password(&self.raw))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Replaces the password in `scheme://user:password@host/…` and in a `password=` query
/// parameter with `****`. Works on strings that are not valid URLs too, since those are
/// exactly the ones that end up in error messages.
pub fn mask_password(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| rest_start + i);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest_start + colon + 1..rest_start + at, "****");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let masked: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=****"),
                _ => pair.to_owned(),
            })
            .collect();
        out = format!("{head}{}", masked.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_schemes() {
        let sqlite = DatabaseUrl::parse("DATABASE_URL", "sqlite:data/quire.db").unwrap();
        assert_eq!(sqlite.backend(), Backend::Sqlite);
        for url in [
            "postgres://u:p@localhost/quire",
            "postgresql://u:p@localhost:5432/quire",
            "POSTGRES://localhost/quire",
        ] {
            let parsed = DatabaseUrl::parse("DATABASE_URL", url).unwrap();
            assert_eq!(parsed.backend(), Backend::Postgres, "{url}");
            assert_eq!(parsed.expose(), url, "the driver gets the URL unchanged");
        }
    }

    #[test]
    fn rejects_other_schemes_naming_the_variable_and_the_accepted_ones() {
        let err = DatabaseUrl::parse("DB_URI", "mysql://bob:hunter2@db/quire").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("DB_URI is not a supported database URL"),
            "{msg}"
        );
        assert!(msg.contains("mysql://bob:****@db/quire"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        for scheme in ["sqlite:", "postgres://", "postgresql://"] {
            assert!(msg.contains(scheme), "{msg}");
        }
    }

    #[test]
    fn rejects_empty_and_schemeless_values() {
        for bad in [
            "",
            "sqlite:",
            "postgres://",
            "localhost:5432",
            "quire.db",
            "sqlite3:x.db",
        ] {
            assert!(DatabaseUrl::parse("DATABASE_URL", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn display_and_debug_hide_the_password() {
        let url =
            DatabaseUrl::parse("DATABASE_URL", "postgres://app:s3cr3t@db:5432/quire").unwrap();
        assert_eq!(url.to_string(), "postgres://app:****@db:5432/quire");
        assert!(!format!("{url:?}").contains("s3cr3t"));
    }

    #[test]
    fn masks_passwords_wherever_they_appear() {
        assert_eq!(mask_password("postgres://u:p@h/d"), "postgres://u:****@h/d");
        assert_eq!(mask_password("postgres://u@h/d"), "postgres://u@h/d");
        assert_eq!(
            mask_password("postgres://h/d?user=u&password=p&sslmode=require"),
            "postgres://h/d?user=u&password=****&sslmode=require"
        );
        // An @ inside the password must not leak the part before it.
        assert_eq!(
            mask_password("postgres://u:a@b@h/d"),
            "postgres://u:****@h/d"
        );
        assert_eq!(mask_password("not a url"), "not a url");
    }
}
