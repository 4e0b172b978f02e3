//! Serving through database trouble: a saturated pool, a PostgreSQL restart. Requests that
//! cannot be served are answered 503 quickly — never left hanging, never a 500 — and the
//! blog recovers on its own once the database is back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::db::{Db, WriteTx};
use sqlx::Connection;

use crate::support::server::quire;
use crate::support::{both, Browser, PrivatePostgres, TestDb, TestServer};

both!(a_saturated_pool_answers_503_quickly);

/// What a loaded CI machine may add to the one-second acquire timeout these tests set.
const BUSY_ANSWER_WITHIN: Duration = Duration::from_secs(3);

/// Text of a database or driver error that must never reach a page.
const INTERNALS: &[&str] = &[
    "sqlx",
    "timed out",
    "SELECT",
    "database is locked",
    "error returned from database",
    "connection refused",
    "Connection refused",
];

/// Blocks what a contact message needs from outside the server, as another busy client
/// would: on PostgreSQL a lock on `messages` (inserting waits); on SQLite the write lock
/// (writing waits, on the busy timeout; readers go on, thanks to WAL). Pages need neither.
async fn hold_lock(db: &Db) -> WriteTx {
    let mut tx = db.begin_write().await.expect("begin");
    if let WriteTx::Postgres(tx) = &mut tx {
        sqlx::query("LOCK TABLE messages IN ACCESS EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await
            .expect("lock messages");
    }
    tx
}

async fn a_saturated_pool_answers_503_quickly(db: TestDb) {
    let pool = db.connect().await;
    let server = TestServer::process_with(
        &db,
        &[
            ("QUIRE_DB_MAX_CONNECTIONS", "1"),
            ("QUIRE_DB_ACQUIRE_TIMEOUT_SECS", "1"),
            // The blocked request waits on the lock, not on a statement timeout.
            ("QUIRE_DB_STATEMENT_TIMEOUT_SECS", "60"),
        ],
    )
    .await;
    let lock = hold_lock(&pool).await;

    // One request takes the pool's only connection and waits on the lock with it...
    let blocked = async {
        let reply = Browser::new(&server)
            .call(
                "contact",
                &[
                    ("name", "Ada"),
                    ("email", "ada@example.com"),
                    ("phone", ""),
                    ("message", "Written while the database was busy."),
                ],
            )
            .await;
        (reply.status, reply.body)
    };
    // ...so the next ones find no connection. The About page needs one, but not the lock:
    // it answers 200 until the blocked request holds the connection, then 503.
    let probe = async {
        let deadline = Instant::now() + Duration::from_secs(20);
        let busy = loop {
            let started = Instant::now();
            let response = within(
                Duration::from_secs(30),
                server.client.get(server.url("/about")).send(),
            )
            .await
            .expect("GET /about");
            let (status, id) = (response.status(), response.headers().get("x-request-id"));
            let id = id
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body = response.text().await.unwrap();
            let took = started.elapsed();
            if status == 503 {
                break (took, body, id);
            }
            assert_eq!(status, 200, "{body}");
            assert!(
                Instant::now() < deadline,
                "the pool never ran out:\n{}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        lock.commit().await.expect("release the lock");
        busy
    };
    let ((blocked_status, blocked_body), (took, body, request_id)) =
        tokio::join!(within(Duration::from_secs(30), blocked), probe);

    println!("{:?}: saturated pool answered 503 in {took:?}", db.kind);
    assert!(took < BUSY_ANSWER_WITHIN, "503 took {took:?}");
    assert!(body.contains("The blog is busy right now"), "{body}");
    assert!(body.contains("</html>"), "a whole page: {body}");
    // Logged with its cause, under the request's id (the page loads its data in a task of
    // its own, which must carry the request's span).
    let log = server.log();
    assert!(
        log.lines().any(|line| line.contains("database unavailable")
            && line.contains(&format!("request_id={request_id}"))),
        "no \"database unavailable\" line with request_id={request_id}:\n{log}"
    );
    for internal in INTERNALS {
        assert!(!body.contains(internal), "{internal:?} shown:\n{body}");
    }
    assert_eq!(
        blocked_status, 200,
        "the request that waited on the lock completes once it is released: {blocked_body}"
    );
    assert_eq!(server.get("/about").await.0, 200);
    assert_eq!(server.get("/").await.0, 200);
}

/// Awaits `future`, failing the test if it takes longer than `limit`: a hang is a failure.
async fn within<T>(limit: Duration, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, future)
        .await
        .unwrap_or_else(|_| panic!("no answer within {limit:?}"))
}

/// One request of the load: when it started, how long it took, its status (`None`: no HTTP
/// answer at all).
struct Sample {
    started: Instant,
    took: Duration,
    status: Option<u16>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_stopped_and_restarted_while_serving() {
    let pg = PrivatePostgres::start();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = quire();
    cmd.current_dir(dir.path())
        .env("DATABASE_URL", pg.url())
        .env("QUIRE_DB_MAX_CONNECTIONS", "4")
        .env("QUIRE_DB_ACQUIRE_TIMEOUT_SECS", "1");
    let server = TestServer::spawn(cmd).await;
    assert_eq!(server.get("/").await.0, 200);

    // Steady load: three clients asking for the home page (which reads posts) back to back.
    let stop = Arc::new(AtomicBool::new(false));
    let samples = Arc::new(Mutex::new(Vec::<Sample>::new()));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let load: Vec<_> = (0..3)
        .map(|_| {
            let (stop, samples, client, url) = (
                stop.clone(),
                samples.clone(),
                client.clone(),
                server.url("/"),
            );
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let status = client
                        .get(&url)
                        .send()
                        .await
                        .ok()
                        .map(|r| r.status().as_u16());
                    let took = started.elapsed();
                    samples.lock().unwrap().push(Sample {
                        started,
                        took,
                        status,
                    });
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
            })
        })
        .collect();
    // pg_ctl waits for the server: off the async workers, so the load keeps going meanwhile.
    let pg = Arc::new(pg);
    let on_pg = |action: fn(&PrivatePostgres)| {
        let pg = pg.clone();
        tokio::task::spawn_blocking(move || action(&pg))
    };

    tokio::time::sleep(Duration::from_millis(700)).await;
    // Requests in flight when the database goes: a lock keeps them waiting in a query (the
    // page cache's version check, or rendering).
    let mut locker = sqlx::PgConnection::connect(&pg.url()).await.unwrap();
    sqlx::query("BEGIN").execute(&mut locker).await.unwrap();
    sqlx::query("LOCK TABLE posts, content_version IN ACCESS EXCLUSIVE MODE")
        .execute(&mut locker)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM pg_stat_activity \
         WHERE application_name = 'quire' AND wait_event_type = 'Lock'",
    )
    .fetch_one(&mut locker)
    .await
    .unwrap()
        == 0
    {
        assert!(Instant::now() < deadline, "no request waited on the lock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    on_pg(PrivatePostgres::stop).await.unwrap();
    drop(locker);
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (status, _) = server.get("/readyz").await;
    assert_eq!(status, 503, "not ready while the database is down");
    let restarting = Instant::now();
    on_pg(PrivatePostgres::start_again).await.unwrap();
    let up = Instant::now();

    // Recovered: the first request started after the database was up that succeeds.
    let recovered = loop {
        let first_ok = samples
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.started >= up && s.status == Some(200))
            .map(|s| s.started + s.took)
            .min();
        if let Some(at) = first_ok {
            break at;
        }
        assert!(
            up.elapsed() < Duration::from_secs(30),
            "no request succeeded within 30 s of PostgreSQL's restart:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.unwrap();
    }

    let samples = samples.lock().unwrap();
    let recovery = recovered - up;
    println!(
        "FAULT postgresql-restart-under-load requests={} down_ms={} \
         first_success_after_up_ms={} after_restart_began_ms={}",
        samples.len(),
        (restarting - down).as_millis(),
        recovery.as_millis(),
        (recovered - restarting).as_millis()
    );
    for s in samples.iter() {
        assert!(
            matches!(s.status, Some(200 | 503)),
            "a request got {:?} (only 200 or 503 are right) after {:?}:\n{}",
            s.status,
            s.took,
            server.log()
        );
        assert!(
            s.took < Duration::from_secs(5),
            "a request hung for {:?} ({:?})",
            s.took,
            s.status
        );
    }
    let while_down: Vec<_> = samples
        .iter()
        .filter(|s| s.started >= down && s.started + s.took <= restarting)
        .collect();
    assert!(!while_down.is_empty(), "no request was made while down");
    assert!(
        while_down.iter().all(|s| s.status == Some(503)),
        "requests while PostgreSQL was down must get 503"
    );
    let slowest = while_down.iter().map(|s| s.took).max().unwrap_or_default();
    println!(
        "FAULT postgresql-down slowest_503_ms={}",
        slowest.as_millis()
    );
    assert!(slowest < BUSY_ANSWER_WITHIN, "503 took {slowest:?}");
    assert!(
        recovery < Duration::from_secs(10),
        "took {recovery:?} to recover"
    );
    let after: Vec<_> = samples.iter().filter(|s| s.started >= recovered).collect();
    assert!(
        !after.is_empty() && after.iter().all(|s| s.status == Some(200)),
        "every request after the recovery succeeds"
    );
}
