//! Start-up, configuration and shutdown of the real binary.

use std::time::{Duration, Instant};

use crate::support::server::quire;
use crate::support::{both, seed, Browser, Kind, TestDb, TestServer};

both!(
    readiness_follows_the_database,
    serves_from_the_configured_database,
    several_instances_can_start_at_once,
    sigterm_stops_gracefully,
    acknowledged_writes_survive_a_killed_server,
);

async fn readiness_follows_the_database(db: TestDb) {
    let server = TestServer::start(&db).await;
    assert_eq!(server.get("/readyz").await, (200, "ready".to_owned()));
    // A migration this build knows but the database lacks: not ready.
    let pool = db.connect().await;
    match &pool {
        app::db::Db::Sqlite(p) => sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 3")
            .execute(p)
            .await
            .map(|_| ()),
        app::db::Db::Postgres(p) => sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 3")
            .execute(p)
            .await
            .map(|_| ()),
    }
    .unwrap();
    assert_eq!(server.get("/readyz").await, (503, "not ready".to_owned()));
    assert_eq!(
        server.get("/healthz").await.0,
        200,
        "the process itself is fine"
    );
}

async fn serves_from_the_configured_database(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Stored in the test database", seed::days_ago(1)).await;
    let server = TestServer::process(&db).await;
    let (status, html) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Stored in the test database"));
    let backend = if db.kind == Kind::Sqlite {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    assert!(
        server.log().contains(&format!("backend={backend}")),
        "{}",
        server.log()
    );
    let (status, body) = server.get("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
}

async fn several_instances_can_start_at_once(db: TestDb) {
    // Six processes race to create, convert to WAL (SQLite) and migrate the same fresh
    // database, as a deploy that starts every instance at once does.
    let starts = (0..6).map(|_| TestServer::process(&db));
    let servers = futures::future::join_all(starts).await;
    for server in &servers {
        assert_eq!(server.get("/readyz").await.0, 200, "{}", server.log());
        let (status, _) = server.get("/").await;
        assert_eq!(status, 200, "{}", server.log());
    }
    // They share one session table: a login at one instance holds at another.
    let mut ada = Browser::new(&servers[0]);
    ada.register("Ada", "ada@example.com", "correct horse battery")
        .await;
    let mut elsewhere = Browser::with_cookie(&servers[5], ada.cookie.clone());
    assert_eq!(elsewhere.whoami().await["name"], "Ada");
}

async fn sigterm_stops_gracefully(db: TestDb) {
    let mut server = TestServer::process(&db).await;
    let (status, _) = server.get("/").await;
    assert_eq!(status, 200);
    let started = Instant::now();
    let exit = server.terminate(Duration::from_secs(10));
    assert!(exit.success(), "exit status {exit}:\n{}", server.log());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(server.log().contains("shutting down"), "{}", server.log());
    assert!(server.log().contains("stopped"), "{}", server.log());
}

async fn acknowledged_writes_survive_a_killed_server(db: TestDb) {
    let mut server = TestServer::process(&db).await;
    // Another process writes while the server holds the database open; its exit is the
    // acknowledgement.
    let status = quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", &db.url)
        .args(["demo", "--posts", "3"])
        .status()
        .unwrap();
    assert!(status.success());
    let (_, html) = server.get("/").await;
    assert!(html.contains("Demo post 3"));
    server.kill();

    let server = TestServer::process(&db).await;
    let (_, html) = server.get("/").await;
    for n in 1..=3 {
        assert!(
            html.contains(&format!("Demo post {n}")),
            "post {n} lost:\n{html}"
        );
    }
}

// Configuration errors: these never reach a database.

fn run_with(vars: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = quire();
    cmd.current_dir(dir.path());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn a_bad_database_url_exits_with_a_clear_message() {
    for var in ["DATABASE_URL", "DB_URI"] {
        let out = run_with(&[(var, "mysql://blog:hunter2@db.example.com:3306/blog")]);
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{var} is not a supported database URL")),
            "{stderr}"
        );
        assert!(
            stderr.contains("mysql://blog:****@db.example.com:3306/blog"),
            "{stderr}"
        );
        assert!(
            stderr.contains("sqlite:, postgres://, postgresql://"),
            "{stderr}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stderr.contains("hunter2") && !stdout.contains("hunter2"));
    }
}

#[test]
fn a_bad_port_exits_naming_the_variable() {
    let out = run_with(&[("PORT", "eighty")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid value 'eighty' for '--port <PORT>'"),
        "{stderr}"
    );
}

#[test]
fn blank_variables_count_as_unset() {
    // As in a copied .env.example: PORT= and QUIRE_PAGE_SIZE= with nothing after them.
    let dir = tempfile::tempdir().unwrap();
    let out = quire()
        .current_dir(dir.path())
        .args(["migrate"])
        .envs([
            ("PORT", ""),
            ("QUIRE_PAGE_SIZE", " "),
            ("QUIRE_GRAVATAR", ""),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("data/quire.db").is_file(),
        "the default database: {text}"
    );
}

#[test]
fn an_unreachable_database_is_retried_then_fails_without_leaking_the_password() {
    let out = run_with(&[
        (
            "DATABASE_URL",
            "postgres://quire:topsecret@127.0.0.1:1/quire",
        ),
        ("QUIRE_DB_ACQUIRE_TIMEOUT_SECS", "1"),
        ("QUIRE_DB_CONNECT_ATTEMPTS", "2"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("database not reachable yet") && all.contains("attempt=1"),
        "{all}"
    );
    assert!(
        all.contains("could not open the database postgres://quire:****@127.0.0.1:1/quire after 2 attempt(s)"),
        "{all}"
    );
    assert!(
        all.contains("Check that the database server is running"),
        "{all}"
    );
    assert!(!all.contains("topsecret"), "{all}");
}

#[tokio::test]
async fn start_up_waits_for_a_database_that_comes_up_late() {
    let db = TestDb::new(Kind::Postgres).await;
    // A port where nothing listens yet; later a forwarder to the real server opens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let real = db
        .url
        .split('@')
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let late_url = db.url.replacen(&real, &format!("127.0.0.1:{port}"), 1);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        while let Ok((mut inbound, _)) = listener.accept().await {
            let real = real.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(real).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    let mut cmd = quire();
    cmd.current_dir(db.dir.path())
        .env("DATABASE_URL", &late_url)
        .env("QUIRE_DB_ACQUIRE_TIMEOUT_SECS", "1")
        .env("QUIRE_DB_CONNECT_ATTEMPTS", "10");
    let started = Instant::now();
    let server = TestServer::spawn(cmd).await;
    println!(
        "FAULT database-up-after-quire database_up_after_ms=1500 listening_after_ms={}",
        started.elapsed().as_millis()
    );
    assert!(
        server.log().contains("database not reachable yet"),
        "{}",
        server.log()
    );
    assert_eq!(server.get("/").await.0, 200);
}

#[tokio::test]
async fn with_no_configuration_it_creates_a_sqlite_file_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = quire();
    cmd.current_dir(dir.path());
    let server = TestServer::spawn(cmd).await;
    let (status, html) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("No posts yet"));
    let file = dir.path().join("data/quire.db");
    assert!(file.exists(), "no database file at {}", file.display());
    let canonical = dir.path().canonicalize().unwrap().join("data/quire.db");
    let log = server.log();
    assert!(
        log.contains(&file.display().to_string()) || log.contains(&canonical.display().to_string()),
        "path not logged:\n{log}"
    );
}

#[tokio::test]
async fn db_uri_with_the_postgresql_scheme_is_accepted() {
    let db = TestDb::new(Kind::Postgres).await;
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Reached through DB_URI", seed::days_ago(1)).await;
    let mut cmd = quire();
    let url = db.url.replacen("postgres://", "postgresql://", 1);
    cmd.current_dir(db.dir.path()).env("DB_URI", &url);
    let server = TestServer::spawn(cmd).await;
    let (_, html) = server.get("/").await;
    assert!(html.contains("Reached through DB_URI"));
    assert!(
        server.log().contains("from=\"DB_URI\"") || server.log().contains("from=DB_URI"),
        "{}",
        server.log()
    );
}
