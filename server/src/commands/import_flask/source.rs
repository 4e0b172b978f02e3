//! The Flask blog's database: where it is (its `DB_URI`, as the Flask app has it), opened
//! read-only, and read a batch of rows at a time in one consistent snapshot.

use anyhow::anyhow;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{PgPool, Postgres, Row as _, Sqlite, SqlitePool, Transaction};

/// Where the Flask blog's data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// A `postgres://` URL for the driver (SQLAlchemy's `+psycopg2` suffix taken off).
    Postgres(String),
}

impl Location {
    /// Reads a `DB_URI` as Flask-SQLAlchemy does: `sqlite:///relative.db` (relative to the
    /// app's `instance/` folder since Flask-SQLAlchemy 3, to the app's folder before),
    /// `sqlite:////absolute.db`, a plain file path, or a PostgreSQL URL with or without
    /// SQLAlchemy's driver name (`postgresql+psycopg2://`). `cwd` is where relative paths
    /// start.
    pub fn parse(raw: &str, cwd: &Path) -> anyhow::Result<Location> {
        let raw = raw.trim();
        let lower = raw.to_ascii_lowercase();
        if let Some(rest) = ["postgres", "postgresql"]
            .iter()
            .find_map(|scheme| strip_scheme(raw, &lower, scheme))
        {
            if rest.is_empty() {
                return Err(anyhow!("{raw} names no database server"));
            }
            return Ok(Location::Postgres(format!("postgres://{rest}")));
        }
        if let Some(path) = lower
            .strip_prefix("sqlite:")
            .map(|_| &raw["sqlite:".len()..])
        {
            // sqlite:///x.db is relative, sqlite:////x.db absolute; sqlite:// alone is
            // SQLAlchemy's in-memory database, which no one can import from.
            let path = path.strip_prefix("//").unwrap_or(path);
            let path = path.split('?').next().unwrap_or_default();
            let path = path.strip_prefix('/').unwrap_or(path);
            if path.is_empty() || path == ":memory:" {
                return Err(anyhow!(
                    "{raw} is an in-memory database: there is nothing to import"
                ));
            }
            return find_sqlite_file(Path::new(path), cwd).map(Location::Sqlite);
        }
        if lower.contains("://") {
            return Err(anyhow!(
                "{} is not a database Quire can import from: use the Flask app's DB_URI \
                 (sqlite:///posts.db, postgresql://…) or a path to its .db file",
                app::db::mask_password(raw)
            ));
        }
        if raw.is_empty() {
            return Err(anyhow!("--from is empty"));
        }
        find_sqlite_file(Path::new(raw), cwd).map(Location::Sqlite)
    }

    /// The location as it can be printed (passwords masked).
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(path) => format!("SQLite file {}", path.display()),
            Location::Postgres(url) => {
                format!("PostgreSQL database {}", app::db::mask_password(url))
            }
        }
    }
}

/// `scheme://…` or `scheme+driver://…` with the part after `://`.
fn strip_scheme<'a>(raw: &'a str, lower: &str, scheme: &str) -> Option<&'a str> {
    let after = lower.strip_prefix(scheme)?;
    let after = match after.strip_prefix('+') {
        Some(driver) => &driver[driver.find("://")?..],
        None => after,
    };
    after.strip_prefix("://")?;
    Some(&raw[raw.len() - after.len() + 3..])
}

/// A relative path is looked for where Flask-SQLAlchemy 3 puts it (`instance/`) and where
/// older versions did (the current folder). When both hold a file, neither is guessed.
fn find_sqlite_file(path: &Path, cwd: &Path) -> anyhow::Result<PathBuf> {
    if path.is_absolute() {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(anyhow!("there is no SQLite database at {}", path.display()))
        };
    }
    let candidates = [cwd.join("instance").join(path), cwd.join(path)];
    let found: Vec<&PathBuf> = candidates.iter().filter(|p| p.is_file()).collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(anyhow!(
            "there is no SQLite database at {} nor at {} (Flask-SQLAlchemy 3 keeps \
             sqlite:///{} in the app's instance/ folder: run this from the Flask app's \
             folder, or give the file's path)",
            candidates[0].display(),
            candidates[1].display(),
            path.display()
        )),
        _ => Err(anyhow!(
            "both {} and {} exist: give the path of the one the Flask app uses",
            candidates[0].display(),
            candidates[1].display()
        )),
    }
}

/// The source database, opened so that nothing can be written to it.
pub enum Source {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One read-only transaction over the source: every table is read as of the same moment.
pub enum Snapshot {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

macro_rules! on_snapshot {
    ($snapshot:expr, $conn:ident => $body:expr) => {
        match $snapshot {
            Snapshot::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            Snapshot::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

impl Source {
    pub async fn open(location: &Location) -> anyhow::Result<Source> {
        match location {
            Location::Sqlite(path) => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .read_only(true)
                    .create_if_missing(false);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await
                    .map_err(|e| anyhow!("could not open {}: {e}", path.display()))?;
                Ok(Source::Sqlite(pool))
            }
            Location::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| anyhow!("{}: {e}", app::db::mask_password(url)))?
                    .application_name("quire import-flask");
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await
                    .map_err(|e| {
                        anyhow!(
                            "could not connect to {}: {e}\n  Render's external database URLs \
                             need TLS: add ?sslmode=require if the server asks for it.",
                            app::db::mask_password(url)
                        )
                    })?;
                Ok(Source::Postgres(pool))
            }
        }
    }

    pub async fn snapshot(&self) -> anyhow::Result<Snapshot> {
        let failed = |e: sqlx::Error| anyhow!("could not start reading the source: {e}");
        Ok(match self {
            // A deferred read transaction: one snapshot in WAL mode, a shared lock otherwise.
            Source::Sqlite(pool) => {
                Snapshot::Sqlite(pool.begin_with("BEGIN DEFERRED").await.map_err(failed)?)
            }
            Source::Postgres(pool) => Snapshot::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await
                    .map_err(failed)?,
            ),
        })
    }

    pub async fn close(&self) {
        match self {
            Source::Sqlite(pool) => pool.close().await,
            Source::Postgres(pool) => pool.close().await,
        }
    }
}

/// A row as read: its integer id, then the other columns asked for, as text (`NULL`: None).
/// Text because SQLite lets any column hold any type; the importer decides what each means.
#[derive(Debug, Clone)]
pub struct SourceRow {
    pub id: i64,
    pub values: Vec<Option<String>>,
}

impl Snapshot {
    /// Every table with its columns (lowercased names), in the default schema.
    pub async fn tables(&mut self) -> anyhow::Result<Vec<(String, Vec<String>)>> {
        let rows: Vec<(String, String)> = match self {
            Snapshot::Sqlite(tx) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' ORDER BY m.name, p.cid",
                )
                .fetch_all(&mut **tx)
                .await
            }
            Snapshot::Postgres(tx) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
                )
                .fetch_all(&mut **tx)
                .await
            }
        }
        .map_err(|e| anyhow!("could not list the source's tables: {e}"))?;
        let mut tables: Vec<(String, Vec<String>)> = Vec::new();
        for (table, column) in rows {
            match tables.last_mut() {
                Some((name, columns)) if *name == table => columns.push(column.to_lowercase()),
                _ => tables.push((table, vec![column.to_lowercase()])),
            }
        }
        Ok(tables)
    }

    pub async fn count(&mut self, table: &str) -> anyhow::Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {}", quote(table));
        on_snapshot!(self, conn => sqlx::query_scalar(&sql).fetch_one(conn).await)
            .map_err(|e| anyhow!("could not count the rows of {table}: {e}"))
    }

    /// The highest id in `table` (0 when it is empty).
    pub async fn max_id(&mut self, table: &str) -> anyhow::Result<i64> {
        let sql = format!(
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {}",
            quote(table)
        );
        on_snapshot!(self, conn => sqlx::query_scalar(&sql).fetch_one(conn).await)
            .map_err(|e| anyhow!("could not read the ids of {table}: {e}"))
    }

    /// Up to `limit` rows of `table` with an id above `after`, in id order: the id, then
    /// `columns` as text (`None`: a column the table lacks, read as NULL). A row whose id is
    /// not a whole number stops the reading: the database is damaged, and guessing would
    /// import something else.
    pub async fn batch(
        &mut self,
        table: &str,
        columns: &[Option<&str>],
        after: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<SourceRow>> {
        let list: String = std::iter::once(Some("id"))
            .chain(columns.iter().copied())
            .map(|c| match c {
                Some(c) => format!("CAST({} AS TEXT)", quote(c)),
                None => "CAST(NULL AS TEXT)".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {list} FROM {} WHERE id > $1 ORDER BY id LIMIT $2",
            quote(table)
        );
        let width = columns.len() + 1;
        let rows: Vec<Vec<Option<String>>> = on_snapshot!(self, conn => {
            async {
                let rows = sqlx::query(&sql).bind(after).bind(limit).fetch_all(conn).await?;
                rows.iter()
                    .map(|row| (0..width).map(|i| row.try_get::<Option<String>, _>(i)).collect())
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            }
            .await
        })
        .map_err(|e| anyhow!("could not read {table}: {e}"))?;
        let mut out = Vec::with_capacity(rows.len());
        for mut values in rows {
            let raw_id = values.remove(0);
            let id = raw_id
                .as_deref()
                .and_then(|v| v.parse::<i64>().ok())
                .ok_or_else(|| {
                    anyhow!(
                        "{table} has a row whose id is {}, not a whole number: the database looks damaged",
                        raw_id.as_deref().unwrap_or("NULL")
                    )
                })?;
            out.push(SourceRow { id, values });
        }
        Ok(out)
    }

    pub async fn finish(self) {
        // Read-only: ending it changes nothing either way.
        let _ = match self {
            Snapshot::Sqlite(tx) => tx.rollback().await,
            Snapshot::Postgres(tx) => tx.rollback().await,
        };
    }
}

/// An identifier quoted for both backends (`user` is a reserved word in PostgreSQL).
fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str, cwd: &Path) -> anyhow::Result<Location> {
        Location::parse(raw, cwd)
    }

    #[test]
    fn postgres_urls_in_every_spelling_sqlalchemy_accepts() {
        let cwd = Path::new("/nowhere");
        for raw in [
            "postgres://u:p@db.example.com/blog",
            "postgresql://u:p@db.example.com/blog",
            "postgresql+psycopg2://u:p@db.example.com/blog",
            "PostgreSQL+psycopg://u:p@db.example.com/blog",
        ] {
            assert_eq!(
                parse(raw, cwd).unwrap(),
                Location::Postgres("postgres://u:p@db.example.com/blog".into()),
                "{raw}"
            );
        }
        assert_eq!(
            parse(
                "postgresql://u:p@dpg-x.oregon-postgres.render.com/blog?sslmode=require",
                cwd
            )
            .unwrap(),
            Location::Postgres(
                "postgres://u:p@dpg-x.oregon-postgres.render.com/blog?sslmode=require".into()
            )
        );
        assert!(parse("postgresql://", cwd).is_err());
    }

    #[test]
    fn sqlite_paths_as_flask_sqlalchemy_resolves_them() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        std::fs::create_dir(cwd.join("instance")).unwrap();
        std::fs::write(cwd.join("instance/posts.db"), b"").unwrap();
        std::fs::write(cwd.join("other.db"), b"").unwrap();
        let instance = Location::Sqlite(cwd.join("instance/posts.db"));
        assert_eq!(parse("sqlite:///posts.db", cwd).unwrap(), instance);
        assert_eq!(parse("posts.db", cwd).unwrap(), instance);
        assert_eq!(
            parse("sqlite:///other.db", cwd).unwrap(),
            Location::Sqlite(cwd.join("other.db"))
        );
        let absolute = format!("sqlite:///{}", cwd.join("other.db").display());
        assert_eq!(
            parse(&absolute, cwd).unwrap(),
            Location::Sqlite(cwd.join("other.db"))
        );
        let err = parse("sqlite:///missing.db", cwd).unwrap_err().to_string();
        assert!(err.contains("instance"), "{err}");
        std::fs::write(cwd.join("posts.db"), b"").unwrap();
        let err = parse("sqlite:///posts.db", cwd).unwrap_err().to_string();
        assert!(err.starts_with("both"), "{err}");
    }

    #[test]
    fn refuses_what_is_no_database_to_import() {
        let cwd = Path::new("/nowhere");
        for raw in [
            "sqlite://",
            "sqlite:///:memory:",
            "mysql://u:secret@h/db",
            "",
        ] {
            let err = parse(raw, cwd).unwrap_err().to_string();
            assert!(!err.contains("secret"), "{err}");
        }
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote("user"), "\"user\"");
        assert_eq!(quote("we\"ird"), "\"we\"\"ird\"");
    }
}
