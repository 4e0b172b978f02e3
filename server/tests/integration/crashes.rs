//! Fault injection: the server killed in the middle of a stream of writes, stopped while
//! requests are in flight, and SQLite's disk filling up. Each run prints one `FAULT …` line
//! with its numbers (scripts/hardening.sh collects them).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::db::Db;

use crate::support::server::{quire, signal};
use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";
const WRITERS: usize = 16;

both!(
    a_killed_server_loses_no_acknowledged_write,
    sigterm_lets_requests_in_flight_finish,
    a_request_stuck_on_a_lock_does_not_hold_up_shutdown,
);

/// A request that waits on a lock past the shutdown grace cannot keep the server from
/// stopping, though it holds a pooled connection and the pool is closed on the way out.
async fn a_request_stuck_on_a_lock_does_not_hold_up_shutdown(db: TestDb) {
    let env = [
        ("QUIRE_SHUTDOWN_TIMEOUT_SECS", "1"),
        // On PostgreSQL the request then waits on the lock for good.
        ("QUIRE_DB_STATEMENT_TIMEOUT_SECS", "0"),
    ];
    let mut server = TestServer::process_with(&db, &env).await;
    let cookie = admin_post_and_readers(&server, 1).await.remove(0).unwrap();
    // Someone else holds the lock a comment needs: SQLite's write lock (the request then
    // waits out its 5 s busy timeout), or PostgreSQL's lock on the comments table.
    let (mut sqlite, mut postgres) = (None, None);
    match db.connect().await {
        Db::Sqlite(pool) => sqlite = Some(pool.begin_with("BEGIN IMMEDIATE").await.unwrap()),
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("LOCK TABLE comments IN ACCESS EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await
                .unwrap();
            postgres = Some(tx);
        }
    }
    let base = server.base.clone();
    let stuck = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("{base}/api/comments/add"))
            .header("origin", &base)
            .header("cookie", cookie)
            .form(&[("slug", "talk"), ("body", "stuck")])
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !stuck.is_finished(),
        "the registration did not wait on the lock"
    );

    let signalled = Instant::now();
    let exit = server.terminate(Duration::from_secs(15));
    let took = signalled.elapsed();
    assert!(exit.success(), "{exit}\n{}", server.log());
    // 1 s of grace; on SQLite the request would hold on for its 5 s busy timeout, on
    // PostgreSQL for good.
    assert!(
        took < Duration::from_millis(3000),
        "stopped after {took:?}\n{}",
        server.log()
    );
    assert!(
        server.log().contains("requests still open after 1s"),
        "{}",
        server.log()
    );
    drop((sqlite, postgres));
    let _ = stuck.await;
}

fn roomy(db: &TestDb) -> Vec<(&'static str, String)> {
    let _ = db;
    vec![
        ("QUIRE_REGISTRATIONS_PER_HOUR", "100000".to_owned()),
        ("QUIRE_COMMENTS_PER_HOUR", "1000000".to_owned()),
    ]
}

async fn start(db: &TestDb) -> TestServer {
    let env = roomy(db);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestServer::process_with(db, &env).await
}

/// Registers `n` readers and returns their session cookies; the first account is the admin,
/// who also writes the post `talk`.
async fn admin_post_and_readers(server: &TestServer, n: usize) -> Vec<Option<String>> {
    let mut admin = Browser::new(server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let reply = admin.publish("Talk", "x").await;
    assert!(reply.status < 400, "{}", reply.body);
    let mut cookies = Vec::new();
    for i in 0..n {
        let mut reader = Browser::new(server);
        reader
            .register(
                &format!("Writer {i}"),
                &format!("w{i}@example.com"),
                PASSWORD,
            )
            .await;
        cookies.push(reader.cookie.clone());
    }
    cookies
}

/// The comment markers on `talk`, as a reader sees them: every page of comments.
async fn markers_on_talk(server: &TestServer) -> BTreeSet<String> {
    let mut markers = BTreeSet::new();
    for page in 1.. {
        let reply = Browser::new(server)
            .call(
                "posts/get",
                &[("slug", "talk"), ("comments", &page.to_string())],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let post: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
        for comment in post["comments"].as_array().unwrap() {
            let html = comment["body_html"].as_str().unwrap();
            markers.extend(
                html.split('[')
                    .skip(1)
                    .filter_map(|rest| rest.split_once(']').map(|(m, _)| m.to_owned()))
                    .filter(|m| m.starts_with('w')),
            );
        }
        if post["earlier_comments"] != true {
            break;
        }
    }
    markers
}

async fn a_killed_server_loses_no_acknowledged_write(db: TestDb) {
    let mut server = start(&db).await;
    let cookies = admin_post_and_readers(&server, WRITERS).await;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let attempted = Arc::new(Mutex::new(0usize));
    let base = server.base.clone();
    let writers: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(w, cookie)| {
            let acknowledged = acknowledged.clone();
            let attempted = attempted.clone();
            let base = base.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for n in 0.. {
                    let marker = format!("w{w}-{n}");
                    *attempted.lock().unwrap() += 1;
                    let sent = client
                        .post(format!("{base}/api/comments/add"))
                        .header("origin", &base)
                        .header("cookie", cookie.clone().unwrap())
                        .form(&[("slug", "talk"), ("body", &format!("[{marker}]"))])
                        .send()
                        .await;
                    match sent {
                        Ok(reply) if reply.status().is_success() => {
                            acknowledged.lock().unwrap().push(marker)
                        }
                        // The server is gone: this write is in doubt, and the writer stops.
                        _ => break,
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let attempted = *attempted.lock().unwrap();
    assert!(
        acknowledged.len() > WRITERS,
        "too few writes to mean anything: {}",
        acknowledged.len()
    );

    let restarted = Instant::now();
    let server = start(&db).await;
    assert_eq!(server.get("/readyz").await.0, 200);
    let ready_after = restarted.elapsed();
    let found = markers_on_talk(&server).await;
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|m| !found.contains(*m))
        .collect();
    let in_doubt = attempted - acknowledged.len();
    println!(
        "FAULT sigkill-during-writes backend={:?} writers={WRITERS} acknowledged={} found={} \
         lost={} in_doubt={in_doubt} ready_after_restart_ms={}",
        db.kind,
        acknowledged.len(),
        found.len(),
        lost.len(),
        ready_after.as_millis()
    );
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    // A write the server finished but could not acknowledge may be there; nothing else may.
    assert!(found.len() <= acknowledged.len() + in_doubt);
}

async fn sigterm_lets_requests_in_flight_finish(db: TestDb) {
    let mut server = start(&db).await;
    let cookies = admin_post_and_readers(&server, 4).await;
    let base = server.base.clone();
    // Registrations (each a deliberately slow password hash, two at a time), comments and
    // pages, all sent at once; SIGTERM arrives while most are still being served.
    let mut requests = Vec::new();
    for i in 0..24 {
        let base = base.clone();
        let cookie = cookies[i % cookies.len()].clone().unwrap();
        requests.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap();
            let request = match i % 3 {
                0 => client
                    .post(format!("{base}/api/register"))
                    .header("origin", &base)
                    .form(&[
                        ("name", format!("Late {i}")),
                        ("email", format!("late{i}@example.com")),
                        ("password", PASSWORD.to_owned()),
                    ]),
                1 => client
                    .post(format!("{base}/api/comments/add"))
                    .header("origin", &base)
                    .header("cookie", cookie)
                    .form(&[("slug", "talk"), ("body", &format!("[late-{i}]"))]),
                _ => client.get(format!("{base}/posts/talk")),
            };
            let reply = request.send().await?;
            let status = reply.status().as_u16();
            let body = reply.bytes().await?;
            Ok::<_, reqwest::Error>((status, body.len()))
        }));
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    let signalled = Instant::now();
    signal(server.pid(), "TERM");

    let (mut completed, mut refused) = (0, 0);
    for request in requests {
        match request.await.unwrap() {
            Ok((status, _)) => {
                assert!(status < 400, "a request in flight failed: {status}");
                completed += 1;
            }
            // Not accepted before the listener closed: refused, never half-answered.
            Err(e) if e.is_connect() => refused += 1,
            Err(e) => panic!("a request was cut: {e:?}\n{}", server.log()),
        }
    }
    let drained = signalled.elapsed();
    let exit = server.terminate(Duration::from_secs(15));
    assert!(exit.success(), "{exit}\n{}", server.log());
    let refused_new = reqwest::get(format!("{base}/healthz")).await;
    assert!(refused_new.is_err_and(|e| e.is_connect()));
    println!(
        "FAULT sigterm-in-flight backend={:?} requests=24 completed={completed} \
         refused={refused} cut=0 drained_ms={}",
        db.kind,
        drained.as_millis()
    );
    assert!(completed >= 12, "most requests were in flight: {completed}");

    // Every registration that was answered exists.
    let server = start(&db).await;
    let mut admin = Browser::new(&server);
    assert!(admin.login("admin@example.com", PASSWORD).await.status < 400);
    let users = admin.call("admin/users", &[]).await.body;
    let late = users.matches("late").count();
    assert!(late <= 8, "{users}");
}

/// A 6 MiB tmpfs for the SQLite file, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount() -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                "size=6m",
                "quire-full",
                dir.path().to_str().unwrap(),
            ])
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "the disk-full test mounts a small tmpfs, which needs root (or CAP_SYS_ADMIN): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { dir }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_under_sqlite_is_a_clean_error_and_corrupts_nothing() {
    let disk = SmallDisk::mount();
    let file = disk.dir.path().join("quire.db");
    let url = format!("sqlite://{}", file.display());
    let mut cmd = quire();
    cmd.current_dir(disk.dir.path())
        .env("DATABASE_URL", &url)
        .env("QUIRE_COMMENTS_PER_HOUR", "1000000");
    let mut server = TestServer::spawn(cmd).await;
    let cookies = admin_post_and_readers(&server, 1).await;
    let mut reader = Browser::with_cookie(&server, cookies[0].clone());
    // Space to give back once the disk is full.
    let ballast = disk.dir.path().join("ballast");
    std::fs::write(&ballast, vec![0u8; 1024 * 1024]).unwrap();

    let filler = "lorem ipsum ".repeat(300);
    let mut acknowledged = Vec::new();
    let mut refusals = Vec::new();
    for n in 0..5000 {
        let marker = format!("w0-{n}");
        let reply = reader
            .call(
                "comments/add",
                &[("slug", "talk"), ("body", &format!("[{marker}] {filler}"))],
            )
            .await;
        if reply.status < 400 {
            acknowledged.push(marker);
        } else {
            refusals.push((reply.status, reply.body));
            if refusals.len() >= 5 {
                break;
            }
        }
    }
    assert!(
        !refusals.is_empty(),
        "the disk never filled: {} comments acknowledged",
        acknowledged.len()
    );
    for (status, body) in &refusals {
        assert_eq!(*status, 503, "{body}");
        // The client shows "The blog is busy right now. Please try again in a moment."
        assert_eq!(body, r#"{"Unavailable":{}}"#);
        assert!(!body.to_lowercase().contains("sqlite"), "{body}");
    }
    // Reading goes on while the disk is full.
    assert_eq!(server.get("/posts/talk").await.0, 200);
    assert_eq!(server.get("/").await.0, 200);

    // Space comes back: writing works again without a restart.
    std::fs::remove_file(&ballast).unwrap();
    let recovered = Instant::now();
    let reply = reader
        .call("comments/add", &[("slug", "talk"), ("body", "[w0-after]")])
        .await;
    assert!(reply.status < 400, "{} {}", reply.status, reply.body);
    acknowledged.push("w0-after".to_owned());
    let found = markers_on_talk(&server).await;
    server.kill();

    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|m| !found.contains(*m))
        .collect();
    println!(
        "FAULT sqlite-disk-full acknowledged={} refused={} (all 503) found={} lost={} \
         integrity_check={check} write_after_space_freed_ms={}",
        acknowledged.len(),
        refusals.len(),
        found.len(),
        lost.len(),
        recovered.elapsed().as_millis()
    );
    assert_eq!(check, "ok");
    assert!(lost.is_empty(), "{lost:?}");
}
