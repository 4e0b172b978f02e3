//! Request logs: one JSON line per request (`LOG_FORMAT=json`) with the status and the
//! latency, in the request's span with its id, method and matched route; nothing secret.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{both, Browser, TestDb, TestServer};

both!(every_request_is_logged_once_with_its_id_and_nothing_secret);

const PASSWORD: &str = "correct horse battery";

/// The server's log as JSON objects; every line must be one.
fn json_lines(server: &TestServer) -> Vec<Value> {
    server
        .log()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

/// The request lines, once `count` of them are in the log (lines arrive through a pipe).
async fn request_lines(server: &TestServer, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let lines: Vec<Value> = json_lines(server)
            .into_iter()
            .filter(|line| line["fields"]["message"] == "request")
            .collect();
        if lines.len() >= count || Instant::now() > deadline {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The id of the request a line was logged in: JSON lines list their spans outermost
/// first, and the request's span is the outermost.
fn request_id(line: &Value) -> Option<&str> {
    line["spans"]
        .as_array()?
        .iter()
        .find(|span| span["name"] == "request")?["request_id"]
        .as_str()
}

fn response_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .expect("an x-request-id header")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn every_request_is_logged_once_with_its_id_and_nothing_secret(db: TestDb) {
    let server = TestServer::process_with(&db, &[("LOG_FORMAT", "json")]).await;

    // A proxy's id is kept, and the query string stays out of the log.
    let response = server
        .client
        .get(server.url("/posts/no-such-post?token=query-secret"))
        .header("x-request-id", "lb-7f3a.01_B")
        .header("authorization", "Bearer auth-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response_id(&response), "lb-7f3a.01_B");

    // An id that could forge or break log lines is replaced by one of the server's own.
    let hostile = "\"}{\"level\":\"ERROR\" <script>";
    let response = server
        .client
        .get(server.url("/"))
        .header("x-request-id", hostile)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let generated = response_id(&response);
    assert_ne!(generated, hostile);
    assert!(
        generated
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "{generated}"
    );
    let response = server.client.get(server.url("/")).send().await.unwrap();
    let another = response_id(&response);
    assert_ne!(another, generated, "every request gets an id of its own");

    // An address nobody routes: the fallback.
    let response = server
        .client
        .get(server.url("/no/such/file.js?v=query-secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);

    // A load balancer's health probe: not at info level.
    let response = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let first_cookie = ada.cookie.clone().expect("a session cookie");
    assert_eq!(ada.login("ada@example.com", PASSWORD).await.status, 200);
    let cookie = ada.cookie.clone().expect("a session cookie");
    let session_ids = [&first_cookie, &cookie].map(|c| c.trim_start_matches("quire_session="));

    let lines = request_lines(&server, 6).await;
    assert_eq!(lines.len(), 6, "one line per request:\n{}", server.log());
    let by_id = |id: &str| {
        let found: Vec<&Value> = lines.iter().filter(|l| request_id(l) == Some(id)).collect();
        assert_eq!(found.len(), 1, "{id}:\n{}", server.log());
        found[0].clone()
    };

    let missing = by_id("lb-7f3a.01_B");
    assert_eq!(missing["span"]["method"], "GET");
    assert_eq!(missing["span"]["route"], "/posts/{slug}");
    assert_eq!(missing["fields"]["status"], 404);
    assert!(missing["fields"]["latency_ms"]
        .as_f64()
        .is_some_and(|ms| ms >= 0.0));

    let home = by_id(&generated);
    assert_eq!(home["span"]["method"], "GET");
    assert_eq!(home["span"]["route"], "/");
    assert_eq!(home["fields"]["status"], 200);
    by_id(&another);

    let routes: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["span"]["route"].as_str())
        .collect();
    assert!(routes.contains(&"<fallback>"), "{routes:?}");
    assert!(!routes.contains(&"/healthz"), "{routes:?}");

    // The login's own log line runs in its request's span, so it carries the same id.
    let login = lines
        .iter()
        .find(|l| l["span"]["route"] == "/api/login")
        .unwrap_or_else(|| panic!("no login request line:\n{}", server.log()));
    assert_eq!(login["span"]["method"], "POST");
    assert_eq!(login["fields"]["status"], 200);
    let login_id = request_id(login);
    assert!(login_id.is_some());
    let logged_in = json_lines(&server)
        .into_iter()
        .find(|l| l["fields"]["message"] == "logged in")
        .unwrap_or_else(|| panic!("no \"logged in\" line:\n{}", server.log()));
    assert_eq!(request_id(&logged_in), login_id, "{}", server.log());

    let log = server.log();
    for secret in [
        PASSWORD,
        session_ids[0],
        session_ids[1],
        "query-secret",
        "auth-secret",
        "<script>",
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
}
