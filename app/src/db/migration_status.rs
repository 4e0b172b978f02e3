//! Which of this build's migrations a database has, found by reading only: what `quire
//! check` reports and `quire migrate` announces.

use sqlx::migrate::Migrator;

use super::connect::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use super::{on_pool, Backend, Db};

/// A migration, by version and description (`0001_initial_schema.sql` is 1, "initial schema").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationId {
    pub version: i64,
    pub description: String,
}

impl std::fmt::Display for MigrationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04} {}", self.version, self.description)
    }
}

/// The database's migrations compared with the ones this build embeds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Embedded and applied.
    pub applied: Vec<MigrationId>,
    /// Embedded, not applied yet: `quire migrate` (or a start) applies them.
    pub pending: Vec<MigrationId>,
    /// Applied, but unknown to this build: a newer Quire migrated the database.
    pub unknown: Vec<MigrationId>,
    /// Applied with other SQL than this build's, or left failed: the migrator refuses both.
    pub broken: Vec<MigrationId>,
}

impl MigrationStatus {
    /// Whether this build can serve the database as it is.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty() && self.broken.is_empty()
    }
}

impl MigrationStatus {
    /// The status of a database that does not exist yet: every migration pending.
    pub fn never_migrated(backend: Backend) -> MigrationStatus {
        compare(migrator(backend), &[])
    }
}

impl Db {
    /// Compares the database's migration table with this build's migrations, without
    /// changing anything (a database never migrated has no table: everything is pending).
    pub async fn migration_status(&self) -> Result<MigrationStatus, sqlx::Error> {
        let exists_sql = match self {
            Db::Sqlite(_) => {
                "SELECT COUNT(*) > 0 FROM sqlite_master \
                 WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            // The migrator creates its table in the first schema of the search path, which is
            // where to_regclass looks.
            Db::Postgres(_) => "SELECT to_regclass('_sqlx_migrations') IS NOT NULL",
        };
        let exists: bool =
            on_pool!(self, pool => sqlx::query_scalar(exists_sql).fetch_one(pool).await)?;
        let rows: Vec<(i64, String, bool, Vec<u8>)> = if exists {
            let sql = "SELECT version, description, success, checksum \
                       FROM _sqlx_migrations ORDER BY version";
            on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?
        } else {
            Vec::new()
        };
        Ok(compare(migrator(self.backend()), &rows))
    }
}

fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

/// Sorts the embedded migrations and the database's rows `(version, description, success,
/// checksum)` into the status's four lists.
fn compare(migrator: &Migrator, rows: &[(i64, String, bool, Vec<u8>)]) -> MigrationStatus {
    let mut status = MigrationStatus::default();
    let embedded: Vec<_> = migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .collect();
    for m in &embedded {
        let id = MigrationId {
            version: m.version,
            description: m.description.to_string(),
        };
        match rows.iter().find(|(version, ..)| *version == m.version) {
            None => status.pending.push(id),
            Some((_, _, success, checksum)) if *success && checksum[..] == m.checksum[..] => {
                status.applied.push(id)
            }
            Some(_) => status.broken.push(id),
        }
    }
    for (version, description, ..) in rows {
        if !embedded.iter().any(|m| m.version == *version) {
            status.unknown.push(MigrationId {
                version: *version,
                description: description.clone(),
            });
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(version: i64, success: bool, checksum: &[u8]) -> (i64, String, bool, Vec<u8>) {
        (version, format!("m{version}"), success, checksum.to_vec())
    }

    fn versions(ids: &[MigrationId]) -> Vec<i64> {
        ids.iter().map(|m| m.version).collect()
    }

    #[test]
    fn a_database_without_the_table_has_every_migration_pending() {
        let status = MigrationStatus::never_migrated(Backend::Sqlite);
        assert_eq!(status.pending.len(), SQLITE_MIGRATIONS.iter().count());
        assert_eq!(status.pending[0].to_string(), "0001 initial schema");
        assert!(status.applied.is_empty() && !status.is_current());
    }

    #[test]
    fn applied_pending_unknown_and_broken_are_told_apart() {
        let embedded: Vec<_> = SQLITE_MIGRATIONS.iter().collect();
        assert!(embedded.len() >= 3, "the test needs three migrations");
        let rows = vec![
            row(1, true, &embedded[0].checksum),
            // Applied from other SQL than this build has.
            row(2, true, b"not the checksum"),
            row(9999, true, b"from a newer build"),
        ];
        let status = compare(&SQLITE_MIGRATIONS, &rows);
        assert_eq!(versions(&status.applied), [1]);
        assert_eq!(versions(&status.broken), [2]);
        assert_eq!(versions(&status.unknown), [9999]);
        assert_eq!(versions(&status.pending)[0], 3);
        assert!(!status.is_current());
    }

    #[test]
    fn a_failed_migration_is_broken_not_applied() {
        let first = SQLITE_MIGRATIONS.iter().next().unwrap();
        let status = compare(&SQLITE_MIGRATIONS, &[row(1, false, &first.checksum)]);
        assert_eq!(versions(&status.broken), [1]);
    }

    #[test]
    fn every_migration_applied_is_current() {
        let rows: Vec<_> = POSTGRES_MIGRATIONS
            .iter()
            .map(|m| row(m.version, true, &m.checksum))
            .collect();
        let status = compare(&POSTGRES_MIGRATIONS, &rows);
        assert!(status.is_current(), "{status:?}");
        assert_eq!(status.applied.len(), rows.len());
    }
}
