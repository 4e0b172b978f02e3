//! The operator's commands around deployment: `quire migrate` and `quire check`.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::server::quire;
use crate::support::{both, Kind, TestDb};

both!(
    migrate_then_check_says_ready,
    check_reports_pending_migrations_and_changes_nothing,
);

/// A password for the database URL: PostgreSQL's trust authentication ignores it, and it
/// must never be printed.
const DB_PASSWORD: &str = "db-pass-7731";
const SMTP_PASSWORD: &str = "smtp-pass-5519";

/// The test database's URL with a password in it, where the scheme has one.
fn url_with_password(db: &TestDb) -> String {
    match db.kind {
        Kind::Sqlite => db.url.clone(),
        Kind::Postgres => db.url.replacen(
            "postgres://postgres@",
            &format!("postgres://postgres:{DB_PASSWORD}@"),
            1,
        ),
    }
}

/// Runs `quire ARGS` on `url`, with mail configured so its password is in play too.
fn run(db: &TestDb, url: &str, args: &[&str]) -> Output {
    quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", url)
        .env(
            "SMTP_URL",
            format!("smtp://mailer:{SMTP_PASSWORD}@127.0.0.1:2525"),
        )
        .env("CONTACT_TO", "owner@example.com")
        .args(args)
        .output()
        .expect("run quire")
}

/// Standard output and error together, checked to hold no password.
fn printed(out: &Output) -> String {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for secret in [DB_PASSWORD, SMTP_PASSWORD] {
        assert!(!all.contains(secret), "{secret} printed:\n{all}");
    }
    all
}

async fn migrations_table_exists(db: &TestDb) -> bool {
    match db.kind {
        Kind::Sqlite => {
            let file = db.dir.path().join("quire.db");
            if !file.exists() {
                return false;
            }
            let url = format!("sqlite://{}?mode=ro", file.display());
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            sqlx::query_scalar::<_, bool>(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = '_sqlx_migrations'",
            )
            .fetch_one(&mut conn)
            .await
            .unwrap()
        }
        Kind::Postgres => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
                .await
                .unwrap();
            sqlx::query_scalar::<_, bool>("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(&mut conn)
                .await
                .unwrap()
        }
    }
}

async fn migrate_then_check_says_ready(db: TestDb) {
    let url = url_with_password(&db);
    let out = run(&db, &url, &["migrate"]);
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Applied 0001 initial schema"), "{text}");
    assert!(text.contains("The schema is up to date"), "{text}");
    assert!(migrations_table_exists(&db).await);

    let again = run(&db, &url, &["migrate"]);
    let text = printed(&again);
    assert!(again.status.success(), "{text}");
    assert!(
        !text.contains("Applied 0"),
        "nothing left to apply:\n{text}"
    );
    assert!(text.contains("none pending"), "{text}");

    let sqlite_file = db.dir.path().join("quire.db");
    let before = std::fs::read(&sqlite_file).ok();
    let check = run(&db, &url, &["check"]);
    let text = printed(&check);
    assert!(check.status.success(), "{text}");
    for expected in [
        "reachable: yes",
        "0 pending",
        "Ready: the database answers and its schema is up to date.",
        "QUIRE_DB_MAX_CONNECTIONS",
        "smtp://mailer:****@127.0.0.1:2525",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    if db.kind == Kind::Postgres {
        let masked = url.replace(DB_PASSWORD, "****");
        assert!(text.contains(&masked), "{masked} missing:\n{text}");
    } else {
        assert_eq!(
            std::fs::read(&sqlite_file).ok(),
            before,
            "check changed the database file"
        );
    }
}

async fn check_reports_pending_migrations_and_changes_nothing(db: TestDb) {
    let out = run(&db, &url_with_password(&db), &["check"]);
    let text = printed(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // Every migration the build embeds (counted from the folder, so a new one needs no edit here).
    let embedded = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/sqlite"))
        .unwrap()
        .count();
    let all_pending = format!("0 applied, {embedded} pending");
    for expected in [
        all_pending.as_str(),
        "pending: 0001 initial schema",
        "run `quire migrate`",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    assert!(
        !migrations_table_exists(&db).await,
        "check applied migrations"
    );
    if db.kind == Kind::Sqlite {
        assert!(
            !db.dir.path().join("quire.db").exists(),
            "check created the database file"
        );
    }
}

#[test]
fn check_with_an_unreachable_database_fails_fast_and_masks_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = quire()
        .current_dir(dir.path())
        .env(
            "DATABASE_URL",
            format!("postgres://quire:{DB_PASSWORD}@127.0.0.1:1/quire"),
        )
        // Start-ups would retry this many times; check tries once.
        .env("QUIRE_DB_CONNECT_ATTEMPTS", "20")
        .arg("check")
        .output()
        .unwrap();
    let took = started.elapsed();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(
        all.contains("postgres://quire:****@127.0.0.1:1/quire"),
        "{all}"
    );
    assert!(all.contains("reachable: NO"), "{all}");
    assert!(all.contains("is not reachable"), "{all}");
    assert!(!all.contains(DB_PASSWORD), "{all}");
}
