use std::sync::atomic::{AtomicU32, Ordering};

use app::db::{DatabaseUrl, Db, PoolSettings};
use sqlx::{Connection, Executor, PgConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A database of its own for one test: a temporary SQLite file, or a PostgreSQL database that
/// is dropped when this value is.
pub struct TestDb {
    pub kind: Kind,
    pub url: String,
    /// Holds the temporary folder (SQLite file, server working directory) until the test ends.
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

fn pg_admin_url() -> String {
    std::env::var("QUIRE_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn new(kind: Kind) -> TestDb {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        match kind {
            Kind::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("quire.db").display());
                TestDb {
                    kind,
                    url,
                    dir,
                    pg_name: None,
                }
            }
            Kind::Postgres => {
                let name = format!(
                    "quire_test_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed)
                );
                let admin = pg_admin_url();
                let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is not reachable at {} ({e}).\n\
                         The PostgreSQL half of the tests needs a server: start the local one with\n\
                         `pg_ctlcluster --skip-systemctl-redirect 15 main start` (scripts/test.sh does this),\n\
                         or point QUIRE_TEST_PG_URL at one where the user may create databases.",
                        app::db::mask_password(&admin)
                    )
                });
                conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                    .await
                    .expect("create the test database");
                let url = match admin.rfind('/') {
                    Some(slash) if slash > "postgres://".len() => {
                        format!("{}/{name}", &admin[..slash])
                    }
                    _ => panic!("QUIRE_TEST_PG_URL must end in /DATABASE"),
                };
                TestDb {
                    kind,
                    url,
                    dir,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// A migrated pool onto this database, for seeding and inspecting it.
    pub async fn connect(&self) -> Db {
        let url = DatabaseUrl::parse("DATABASE_URL", &self.url).unwrap();
        let db = Db::connect(&url, &PoolSettings::default())
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop runs outside async code: use a runtime of our own on a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(mut conn) = PgConnection::connect(&pg_admin_url()).await {
                    let _ = conn
                        .execute(
                            format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str(),
                        )
                        .await;
                }
            })
        })
        .join();
    }
}
