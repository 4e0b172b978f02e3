//! Body limits: a reader's form may be small, the editor's larger; anything bigger is
//! refused with 413 before it is read.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{both, Browser, TestDb, TestServer};

both!(oversized_bodies_are_refused_with_413);

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
