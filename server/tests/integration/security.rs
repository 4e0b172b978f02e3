//! What an attacker would try first: script through every input (the corpus in
//! `tests/corpus/xss.txt`), SQL through every input and parameter (`tests/corpus/sqli.txt`),
//! paths out of the static folder, malformed bodies, and a planted session id.
//! The authorization matrix and cross-site writes are in authorization.rs; session rotation,
//! logout replay and cookie flags in sessions.rs and accounts.rs.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::html::active_content;
use crate::support::{admin_and_reader, both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

/// A form's fields, in order.
type Form<'a> = Vec<(&'a str, &'a str)>;

both!(
    script_through_every_input_stays_inert,
    sql_through_every_input_is_only_text,
    static_files_cannot_be_escaped,
    malformed_requests_get_4xx_and_the_server_carries_on,
    a_planted_session_id_is_never_adopted,
);

fn corpus(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with("# "))
        .collect()
}

fn xss() -> Vec<&'static str> {
    corpus(include_str!("../corpus/xss.txt"))
}

fn sqli() -> Vec<&'static str> {
    corpus(include_str!("../corpus/sqli.txt"))
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A server whose limits on new accounts and comments do not get in the corpus' way.
async fn roomy_server(db: &TestDb) -> TestServer {
    TestServer::start_with(
        db,
        &[
            ("QUIRE_REGISTRATIONS_PER_HOUR", "10000"),
            ("QUIRE_COMMENTS_PER_HOUR", "10000"),
        ],
    )
    .await
}

/// Fetches `path` as `browser` and fails on anything in it that could run script.
async fn assert_inert(browser: &mut Browser<'_>, path: &str) {
    let page = browser.page(path).await;
    assert!(page.status < 500, "{path}: {} {}", page.status, page.body);
    let found = active_content(&page.body);
    assert!(found.is_empty(), "{path}:\n{}", found.join("\n"));
}

fn assert_accepted_or_refused(what: &str, status: u16, body: &str) {
    assert!(
        status < 400 || status == 409 || status == 422,
        "{what}: {status} {body}"
    );
}

async fn script_through_every_input_stays_inert(db: TestDb) {
    let server = roomy_server(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    let payloads = xss();
    let all = payloads.join("\n\n");

    // Posts: every payload as title, subtitle and the start of the body; and as a cover URL.
    let mut slugs = Vec::new();
    for (i, payload) in payloads.iter().enumerate() {
        let body = format!("{payload}\n\n{all}");
        let reply = admin
            .call(
                "posts/create",
                &[
                    ("title", payload),
                    ("subtitle", payload),
                    ("cover_url", ""),
                    ("body", &body),
                ],
            )
            .await;
        assert_accepted_or_refused(&format!("title {i}"), reply.status, &reply.body);
        slugs.extend(
            reply
                .location
                .map(|l| l.trim_start_matches("/posts/").to_owned()),
        );
        let title = format!("Cover {i}");
        let reply = admin
            .call(
                "posts/create",
                &[
                    ("title", &title),
                    ("subtitle", ""),
                    ("cover_url", payload),
                    ("body", "x"),
                ],
            )
            .await;
        assert_accepted_or_refused(&format!("cover {i}"), reply.status, &reply.body);
        slugs.extend(
            reply
                .location
                .map(|l| l.trim_start_matches("/posts/").to_owned()),
        );
    }
    assert!(
        slugs.len() >= payloads.len(),
        "{} posts of {} attempts",
        slugs.len(),
        payloads.len() * 2
    );
    let first = slugs[0].clone();

    // Comments, display names (at registration and changed later), the contact form, About.
    for (i, payload) in payloads.iter().enumerate() {
        let reply = reader
            .call("comments/add", &[("slug", &first), ("body", payload)])
            .await;
        assert_accepted_or_refused(&format!("comment {i}"), reply.status, &reply.body);

        let mut named = Browser::new(&server);
        let email = format!("named{i}@example.com");
        let reply = named
            .call(
                "register",
                &[("name", payload), ("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_accepted_or_refused(&format!("name {i}"), reply.status, &reply.body);
        if reply.status < 400 {
            named
                .call("comments/add", &[("slug", &first), ("body", "hello")])
                .await;
        }
        let email = format!("{payload}@example.com");
        let reply = Browser::new(&server)
            .call(
                "register",
                &[("name", "Odd"), ("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_accepted_or_refused(&format!("email {i}"), reply.status, &reply.body);

        let reply = reader.call("account/name", &[("name", payload)]).await;
        assert_accepted_or_refused(&format!("rename {i}"), reply.status, &reply.body);
        assert_inert(&mut reader, "/account").await;
    }
    for payload in payloads.iter().take(4) {
        let reply = Browser::new(&server)
            .call(
                "contact",
                &[
                    ("name", payload),
                    ("email", "someone@example.com"),
                    ("phone", payload),
                    ("message", &all),
                ],
            )
            .await;
        assert_accepted_or_refused("contact", reply.status, &reply.body);
    }
    let reply = admin.call("about/update", &[("text", &all)]).await;
    assert!(reply.status < 400, "{}", reply.body);

    // Forms posted without JavaScript that fail come back with what was typed, through the
    // address (`__err=`): the echo must be as inert as the stored text.
    let long_comment = format!("{all}\n\n{}", "x".repeat(5_001));
    // (Over-long text would make the address too long; a NUL makes it just as invalid.)
    let invalid_page = format!("{all}\n\n\0");
    let post_page = format!("/posts/{first}");
    let mut stranger = Browser::new(&server);
    let mut editor = Browser::with_cookie(&server, admin.cookie.clone());
    let failing: [(&mut Browser, &str, &str, Form); 4] = [
        (
            &mut reader,
            "comments/add",
            &post_page,
            vec![("slug", &first), ("body", &long_comment)],
        ),
        (
            &mut stranger,
            "contact",
            "/contact",
            vec![
                ("name", payloads[0]),
                ("email", "nope"),
                ("phone", ""),
                ("message", &long_comment),
            ],
        ),
        (
            &mut admin,
            "about/update",
            "/about",
            vec![("text", &invalid_page)],
        ),
        (
            &mut editor,
            "posts/create",
            "/admin/posts/new",
            vec![
                ("title", ""),
                ("subtitle", payloads[1]),
                ("cover_url", payloads[4]),
                ("body", &all),
            ],
        ),
    ];
    for (browser, endpoint, from, form) in failing {
        let reply = browser.submit(endpoint, from, &form).await;
        assert_eq!(reply.status, 302, "{endpoint}: {}", reply.body);
        let back = reply.location.expect("sent back to the form");
        assert!(back.contains("__err="), "{back}");
        assert_inert(browser, back.trim_start_matches(&server.base)).await;
    }

    // Every page they reach, as a visitor, a reader and the admin.
    let mut visitor = Browser::new(&server);
    for page in ["/", "/?page=2", "/?page=3", "/about", "/contact"] {
        assert_inert(&mut visitor, page).await;
        assert_inert(&mut reader, page).await;
    }
    for page in ["/admin/messages", "/admin/users", "/account"] {
        assert_inert(&mut admin, page).await;
    }
    for slug in &slugs {
        assert_inert(&mut visitor, &format!("/posts/{slug}")).await;
        assert_inert(&mut admin, &format!("/posts/{slug}")).await;
        assert_inert(&mut admin, &format!("/posts/{slug}/edit")).await;
        assert_inert(&mut admin, &format!("/posts/{slug}/delete")).await;
    }
    // And payloads in addresses.
    for payload in &payloads {
        let encoded = encode(payload);
        for path in [
            format!("/posts/{encoded}"),
            format!("/posts/{encoded}/edit"),
            format!("/?page={encoded}"),
            format!("/login?next={encoded}"),
            format!("/{encoded}"),
        ] {
            assert_inert(&mut visitor, &path).await;
        }
    }
}

/// Text that only a database error would put in a reply (none of it is in the corpus).
fn assert_no_database_text(what: &str, body: &str) {
    let lower = body.to_lowercase();
    for tell in [
        "syntax error",
        "sqlstate",
        "sqlx",
        "near \"",
        "relation \"",
        "unrecognized token",
        "no such table",
        "no such column",
        "error returned from database",
        "database error",
    ] {
        assert!(!lower.contains(tell), "{what} revealed {tell:?}: {body}");
    }
}

async fn sql_through_every_input_is_only_text(db: TestDb) {
    let server = roomy_server(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Kept", "x").await;
    let mut visitor = Browser::new(&server);
    let mut names = Vec::new();
    for (i, payload) in sqli().into_iter().enumerate() {
        let started = Instant::now();
        // (endpoint, caller: 0 visitor / 1 reader / 2 admin, form, statuses expected)
        let calls: [(&str, usize, Form, &[u16]); 7] = [
            (
                "login",
                0,
                vec![("email", payload), ("password", payload)],
                &[401, 422, 429],
            ),
            (
                "login",
                0,
                vec![("email", "admin@example.com"), ("password", payload)],
                &[401, 429],
            ),
            ("posts/get", 0, vec![("slug", payload)], &[404]),
            (
                "comments/add",
                1,
                vec![("slug", payload), ("body", "x")],
                &[404],
            ),
            ("comments/delete", 1, vec![("id", payload)], &[400]),
            (
                "admin/messages/read",
                2,
                vec![("id", payload), ("read", "true")],
                &[400],
            ),
            ("list_posts", 0, vec![("page", payload)], &[400]),
        ];
        for (endpoint, caller, form, expected) in calls {
            let browser = match caller {
                0 => &mut visitor,
                1 => &mut reader,
                _ => &mut admin,
            };
            let reply = browser.call(endpoint, &form).await;
            assert!(
                expected.contains(&reply.status),
                "{endpoint} with {payload:?}: {} {}",
                reply.status,
                reply.body
            );
            assert_no_database_text(endpoint, &reply.body);
        }
        assert!(
            visitor.whoami().await.is_null(),
            "{payload:?} logged someone in"
        );

        // Stored as typed, wherever text is stored.
        let email = format!("sql{i}@example.com");
        let reply = Browser::new(&server)
            .call(
                "register",
                &[("name", payload), ("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_accepted_or_refused("register", reply.status, &reply.body);
        if reply.status < 400 {
            names.push(payload);
        }
        let title = format!("Post {i} {payload}");
        let reply = admin
            .call(
                "posts/create",
                &[
                    ("title", &title),
                    ("subtitle", payload),
                    ("cover_url", ""),
                    ("body", payload),
                ],
            )
            .await;
        assert!(
            reply.status < 400,
            "{title}: {} {}",
            reply.status,
            reply.body
        );
        let reply = reader
            .call("comments/add", &[("slug", "kept"), ("body", payload)])
            .await;
        assert!(reply.status < 400, "{} {}", reply.status, reply.body);
        for path in [
            format!("/posts/{}", encode(payload)),
            format!("/?page={}", encode(payload)),
        ] {
            let page = visitor.page(&path).await;
            assert!(matches!(page.status, 200 | 404), "{path}: {}", page.status);
            assert_no_database_text(&path, &page.body);
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{payload:?} took {:?}",
            started.elapsed()
        );
    }

    // Nothing was dropped, deleted or promoted, and the text reads back exactly.
    let payloads = sqli();
    let users = admin.call("admin/users", &[]).await;
    let users: serde_json::Value = serde_json::from_str(&users.body).unwrap();
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), 2 + names.len());
    let admins = users.iter().filter(|u| u["role"] == "Admin").count();
    assert_eq!(admins, 1, "{users:?}");
    for name in &names {
        assert!(users.iter().any(|u| u["name"] == **name), "{name:?} lost");
    }
    let kept = visitor.call("posts/get", &[("slug", "kept")]).await;
    let kept: serde_json::Value = serde_json::from_str(&kept.body).unwrap();
    let comments: Vec<&str> = kept["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["body_html"].as_str())
        .collect();
    assert_eq!(comments.len(), payloads.len(), "{kept}");
    for payload in payloads.iter().filter(|p| !p.contains('\\')) {
        let escaped = payload
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(
            comments.iter().any(|c| c.contains(&escaped)),
            "{payload:?} not kept as typed: {comments:?}"
        );
    }
    let home: serde_json::Value =
        serde_json::from_str(&visitor.call("list_posts", &[("page", "1")]).await.body).unwrap();
    assert!(home["has_older"].as_bool().unwrap(), "all posts are there");
}

/// Sends `GET <target>` exactly as written (no client normalizes it) and returns the status
/// and the body.
async fn raw_get(server: &TestServer, target: &str) -> (u16, String) {
    let addr = server.base.trim_start_matches("http://");
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

async fn static_files_cannot_be_escaped(db: TestDb) {
    // A site folder of our own, with secrets beside it and above it.
    let root = db.dir.path();
    std::fs::create_dir_all(root.join("site/pkg")).unwrap();
    std::fs::write(root.join("site/pkg/quire.css"), "body{}").unwrap();
    std::fs::write(root.join("site/robots.txt"), "User-agent: *").unwrap();
    std::fs::write(root.join("secret.txt"), "CANARY-secret-file").unwrap();
    std::fs::write(root.join(".env"), "QUIRE_CANARY=CANARY-dotenv\n").unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/config"), "[core] CANARY-git").unwrap();
    let site = root.join("site");
    let server = TestServer::start_with(&db, &[("LEPTOS_SITE_ROOT", site.to_str().unwrap())]).await;

    assert_eq!(raw_get(&server, "/pkg/quire.css").await.0, 200);
    assert_eq!(raw_get(&server, "/robots.txt").await.0, 200);
    let attempts = [
        "/pkg/../secret.txt",
        "/pkg/../../secret.txt",
        "/pkg/%2e%2e/%2e%2e/secret.txt",
        "/pkg/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/pkg/..%2f..%2fsecret.txt",
        "/pkg/..%5c..%5csecret.txt",
        "/pkg/..\\..\\secret.txt",
        "/pkg/%252e%252e/%252e%252e/secret.txt",
        "/pkg/....//....//secret.txt",
        "/pkg/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
        "/pkg/quire.css%00/../../secret.txt",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/.env",
        "/../.env",
        "/%2e%2e/.env",
        "/pkg/../../.env",
        "/.git/config",
        "/../.git/config",
        "/pkg/%2e%2e/%2e%2e/.git/config",
        "//etc/passwd",
        "/pkg//etc/passwd",
        "/pkg/%2fetc%2fpasswd",
        "/pkg/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/robots.txt/..%2f..%2fsecret.txt",
    ];
    for target in attempts {
        let (status, answer) = raw_get(&server, target).await;
        assert!(matches!(status, 400 | 404), "{target}: {status}\n{answer}");
        for canary in ["CANARY", "root:x:0:0"] {
            assert!(!answer.contains(canary), "{target} leaked:\n{answer}");
        }
    }
    assert_eq!(raw_get(&server, "/healthz").await.0, 200);
}

async fn malformed_requests_get_4xx_and_the_server_carries_on(db: TestDb) {
    let server = roomy_server(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Kept", "x").await;

    let raw = |endpoint: &str, content_type: &str, body: Vec<u8>| {
        Browser::new(&server)
            .post(endpoint, &[])
            .header("content-type", content_type.to_owned())
            .body(body)
    };
    let form = "application/x-www-form-urlencoded";
    let deep = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    let wide = format!(
        "{{{}}}",
        (0..4000)
            .map(|i| format!("\"k{i}\":1"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let cases: Vec<(&str, reqwest::RequestBuilder)> = vec![
        (
            "raw invalid UTF-8",
            raw("login", form, b"email=\xff\xfe&password=\xc0\xaf".to_vec()),
        ),
        (
            "percent-encoded invalid UTF-8",
            raw("login", form, b"email=%FF%FE&password=%C0%AF".to_vec()),
        ),
        (
            "broken escapes",
            raw("login", form, b"email=%%%&password=%G1".to_vec()),
        ),
        (
            "missing fields",
            raw("login", form, b"email=a%40b.example".to_vec()),
        ),
        ("no fields", raw("register", form, Vec::new())),
        (
            "a repeated field",
            raw(
                "login",
                form,
                b"email=a%40b.example&email=c%40d.example&password=x".to_vec(),
            ),
        ),
        (
            "deeply nested JSON",
            raw("login", "application/json", deep.into_bytes()),
        ),
        (
            "a wide JSON object",
            raw("login", "application/json", wide.into_bytes()),
        ),
        (
            "JSON that is not JSON",
            raw("login", "application/json", b"{\"email\":".to_vec()),
        ),
        (
            "a multipart body without its boundary",
            raw(
                "login",
                "multipart/form-data",
                b"--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na\r\n--x--".to_vec(),
            ),
        ),
        (
            "an unknown content type",
            raw("login", "application/x-unknown", b"????".to_vec()),
        ),
        (
            "a number that is not one",
            raw("list_posts", form, b"page=1e999".to_vec()),
        ),
        (
            "a number too large",
            raw(
                "comments/delete",
                form,
                b"id=99999999999999999999999".to_vec(),
            ),
        ),
    ];
    for (what, request) in cases {
        let reply = request.send().await.unwrap();
        let status = reply.status().as_u16();
        let body = reply.text().await.unwrap_or_default();
        assert!((400..500).contains(&status), "{what}: {status} {body}");
        assert_no_database_text(what, &body);
        assert!(
            !body.contains("panicked") && !body.contains("/src/"),
            "{what}: {body}"
        );
    }

    // NUL and other control characters in every text a reader or the admin types.
    let nul = "before\0after\u{1}\u{7f}";
    let replies = [
        (
            "register",
            Browser::new(&server)
                .call(
                    "register",
                    &[
                        ("name", nul),
                        ("email", "nul@example.com"),
                        ("password", PASSWORD),
                    ],
                )
                .await,
        ),
        (
            "rename",
            reader.call("account/name", &[("name", nul)]).await,
        ),
        (
            "comment",
            reader
                .call("comments/add", &[("slug", "kept"), ("body", nul)])
                .await,
        ),
        (
            "post",
            admin
                .call(
                    "posts/create",
                    &[
                        ("title", nul),
                        ("subtitle", nul),
                        ("cover_url", ""),
                        ("body", nul),
                    ],
                )
                .await,
        ),
        ("about", admin.call("about/update", &[("text", nul)]).await),
        (
            "contact",
            Browser::new(&server)
                .call(
                    "contact",
                    &[
                        ("name", nul),
                        ("email", "someone@example.com"),
                        ("phone", ""),
                        ("message", nul),
                    ],
                )
                .await,
        ),
        (
            "login",
            Browser::new(&server)
                .call("login", &[("email", nul), ("password", nul)])
                .await,
        ),
    ];
    for (what, reply) in replies {
        assert!(
            reply.status < 400 || (400..500).contains(&reply.status),
            "{what} with control characters: {} {}",
            reply.status,
            reply.body
        );
        assert_no_database_text(what, &reply.body);
    }

    // Malformed HTTP itself.
    let addr = server.base.trim_start_matches("http://").to_owned();
    let huge_header = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\n\r\n",
        "a".repeat(512 * 1024)
    );
    let smuggled = format!(
        "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 4\r\n\
         Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    );
    for (what, request) in [
        ("a 512 KiB header", huge_header),
        ("Content-Length with Transfer-Encoding", smuggled),
        ("garbage", "\x16\x03\x01 not http at all\r\n\r\n".to_owned()),
    ] {
        let mut tcp = TcpStream::connect(&addr).await.unwrap();
        let _ = tcp.write_all(request.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        let status: u16 = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(400);
        assert!((400..500).contains(&status), "{what}: {answer}");
    }

    assert_eq!(server.get("/healthz").await.0, 200);
    assert!(reader.whoami().await["name"].is_string());
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

async fn a_planted_session_id_is_never_adopted(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    // An attacker who can set cookies on the victim's browser plants an id they know.
    let planted = "quire_session=AAAAAAAAAAAAAAAAAAAAAA".to_owned();
    let mut victim = Browser::with_cookie(&server, Some(planted.clone()));
    assert!(victim.login("ada@example.com", PASSWORD).await.status < 400);
    assert_ne!(victim.cookie.as_deref(), Some(planted.as_str()));
    assert_eq!(victim.whoami().await["name"], "Ada");
    let mut attacker = Browser::with_cookie(&server, Some(planted));
    assert!(attacker.whoami().await.is_null());
    assert_eq!(attacker.page("/account").await.status, 401);
}
