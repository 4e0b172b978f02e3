//! Limits: a reader's form may be small, the editor's larger, and anything bigger is refused
//! with 413 before it is read; slow clients are cut off, and connections are capped.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{both, Browser, TestDb, TestServer};

both!(
    oversized_bodies_are_refused_with_413,
    slow_clients_are_cut_off_and_cannot_take_every_connection,
    a_request_that_takes_too_long_is_answered_503,
);

/// Announces a body of `length` bytes to `endpoint` without sending it, and returns the status
/// line of the answer: an over-limit body is refused on its headers alone.
async fn announce(server: &TestServer, endpoint: &str, length: usize) -> String {
    let addr = server.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/{endpoint} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\n\
         Sec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {length}\r\n\r\n",
        server.base
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), tcp.read(&mut answer))
        .await
        .expect("an answer without the body")
        .unwrap();
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn oversized_bodies_are_refused_with_413(db: TestDb) {
    let server = TestServer::start(&db).await;
    assert_eq!(
        announce(&server, "login", 100 * 1024).await,
        "HTTP/1.1 413 Payload Too Large"
    );
    assert_eq!(
        announce(&server, "posts/preview", 3 * 1024 * 1024).await,
        "HTTP/1.1 413 Payload Too Large"
    );

    // A streamed body announces no length: refused once it passes the limit.
    let chunked = reqwest::Body::wrap_stream(futures::stream::iter(
        (0..100).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1024])),
    ));
    let reply = Browser::new(&server)
        .post("login", &[])
        .header("content-type", "application/x-www-form-urlencoded")
        .body(chunked)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 413);

    // Under the limits, requests are answered as usual: a failed login, and an editor call
    // with a long post refused only because the caller is anonymous.
    let browser = Browser::new(&server);
    let send = |endpoint: &'static str, form: Vec<(&'static str, String)>| {
        let request = browser.post(endpoint, &[]).form(&form);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let login = vec![
        ("email", "nobody@example.com".to_owned()),
        ("password", "wrong password".to_owned()),
    ];
    assert_eq!(send("login", login).await, 401);
    let post = vec![
        ("title", "Long".to_owned()),
        ("body", "x".repeat(1024 * 1024)),
    ];
    assert_eq!(send("posts/preview", post).await, 401);
    assert_eq!(server.get("/healthz").await.0, 200);
}

/// Opens a connection that starts a request and then sends one header byte every 200 ms,
/// never finishing (slowloris). Returns how long the server kept it open.
async fn trickle(addr: String) -> Duration {
    let started = Instant::now();
    let mut tcp = TcpStream::connect(&addr).await.unwrap();
    let _ = tcp
        .write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes())
        .await;
    let mut buf = [0u8; 256];
    loop {
        if tcp.write_all(b"a").await.is_err() {
            break;
        }
        match tokio::time::timeout(Duration::from_millis(200), tcp.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break,
            // The server may answer 408 before closing; that is a close too.
            Ok(Ok(_)) => {}
            Err(_) if started.elapsed() > Duration::from_secs(30) => {
                panic!("the server kept a slow connection open for 30 s")
            }
            Err(_) => {}
        }
    }
    started.elapsed()
}

async fn slow_clients_are_cut_off_and_cannot_take_every_connection(db: TestDb) {
    let server = TestServer::process_with(
        &db,
        &[
            ("QUIRE_HEADER_TIMEOUT_SECS", "1"),
            ("QUIRE_MAX_CONNECTIONS", "8"),
        ],
    )
    .await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let slow: Vec<_> = (0..8)
        .map(|_| tokio::spawn(trickle(addr.clone())))
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Every slot is held by a slow client: a real request waits for one to be cut off...
    let started = Instant::now();
    let (status, _) = server.get("/healthz").await;
    let waited = started.elapsed();
    assert_eq!(status, 200);
    assert!(
        waited >= Duration::from_millis(300),
        "answered in {waited:?}, though all 8 connections were taken"
    );
    // (Generous: a loaded CI machine adds scheduling delays to the 1 s deadline.)
    assert!(waited < Duration::from_secs(8), "waited {waited:?}");
    // ... and every slow client is cut off about when its headers were due.
    for held in slow {
        let held = held.await.unwrap();
        assert!(
            (Duration::from_millis(800)..Duration::from_secs(6)).contains(&held),
            "a slow client was held for {held:?}"
        );
    }
    assert!(
        server
            .log_shows("connection limit reached", Duration::from_secs(3))
            .await,
        "{}",
        server.log()
    );
    // Afterwards the server answers at once.
    let started = Instant::now();
    assert_eq!(server.get("/").await.0, 200);
    assert!(started.elapsed() < Duration::from_secs(3));
}

async fn a_request_that_takes_too_long_is_answered_503(db: TestDb) {
    let server = TestServer::process_with(&db, &[("QUIRE_REQUEST_TIMEOUT_SECS", "1")]).await;
    let addr = server.base.trim_start_matches("http://");
    // A body announced as 100 bytes, of which 10 arrive.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a%40b",
        server.base
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = vec![0; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut answer))
        .await
        .expect("an answer before the body is complete")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(
        answer.starts_with("HTTP/1.1 503 Service Unavailable"),
        "{answer}"
    );
    assert!(answer.contains("took too long"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(
        server
            .log_shows("request timed out", Duration::from_secs(3))
            .await,
        "{}",
        server.log()
    );
    assert_eq!(server.get("/healthz").await.0, 200);
}
