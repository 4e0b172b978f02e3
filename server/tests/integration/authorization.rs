//! Every server function, called directly over HTTP as each kind of caller, and requests
//! from other sites.

use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    every_server_function_checks_its_caller,
    private_pages_answer_401_and_403_with_a_friendly_page,
    cross_site_writes_are_refused,
    server_functions_refuse_get,
);

/// A server function, its arguments, and the status expected for anonymous, reader, admin.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    [u16; 3],
);

/// Public functions answer everyone; `register`/`login` are checked in accounts.rs.
const MATRIX: &[Case] = &[
    ("list_posts", &[("page", "1")], [200, 200, 200]),
    ("current_user", &[], [200, 200, 200]),
    ("account", &[], [401, 200, 200]),
    ("account/name", &[("name", "Renamed")], [401, 200, 200]),
    (
        "account/password",
        &[
            ("current_password", "wrong wrong"),
            ("new_password", "whatever new one"),
        ],
        [401, 422, 422],
    ),
    ("admin/users", &[], [401, 403, 200]),
    ("logout", &[], [200, 200, 200]),
];

async fn every_server_function_checks_its_caller(db: TestDb) {
    let server = TestServer::start(&db).await;
    for (endpoint, args, expected) in MATRIX {
        let mut admin = Browser::new(&server);
        admin.register("Admin", "admin@example.com", PASSWORD).await;
        let mut reader = Browser::new(&server);
        reader
            .register("Reader", "reader@example.com", PASSWORD)
            .await;
        let mut anonymous = Browser::new(&server);
        for (who, browser, status) in [
            ("anonymous", &mut anonymous, expected[0]),
            ("reader", &mut reader, expected[1]),
            ("admin", &mut admin, expected[2]),
        ] {
            let reply = browser.call(endpoint, args).await;
            assert_eq!(reply.status, status, "{endpoint} as {who}: {}", reply.body);
            if status >= 400 {
                assert!(
                    !reply.body.contains("sqlx") && !reply.body.contains("panicked"),
                    "{}",
                    reply.body
                );
            }
        }
        // The next round starts from an empty user table.
        let pool = db.connect().await;
        clear_users(&pool).await;
    }
}

async fn clear_users(db: &app::db::Db) {
    match db {
        app::db::Db::Sqlite(p) => {
            sqlx::query("DELETE FROM sessions")
                .execute(p)
                .await
                .unwrap();
            sqlx::query("DELETE FROM rate_events")
                .execute(p)
                .await
                .unwrap();
            sqlx::query("DELETE FROM users").execute(p).await.unwrap();
        }
        app::db::Db::Postgres(p) => {
            sqlx::query("TRUNCATE sessions, rate_events, users CASCADE")
                .execute(p)
                .await
                .unwrap();
        }
    }
}

async fn private_pages_answer_401_and_403_with_a_friendly_page(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let mut reader = Browser::new(&server);
    reader
        .register("Reader", "reader@example.com", PASSWORD)
        .await;

    let anon = Browser::new(&server).page("/admin/users").await;
    assert_eq!(anon.status, 401);
    assert!(anon.body.contains("Please log in"));
    let denied = reader.page("/admin/users").await;
    assert_eq!(denied.status, 403);
    assert!(denied.body.contains("Not allowed"));
    assert!(!denied.body.contains("reader@example.com</td>"));
    let list = admin.page("/admin/users").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains("<td>reader@example.com</td>") && list.body.contains("<td>Admin</td>"),
        "{}",
        list.body
    );
    assert_eq!(Browser::new(&server).page("/account").await.status, 401);
}

async fn cross_site_writes_are_refused(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let login = server.url("/api/login");
    let form = [("email", "ada@example.com"), ("password", PASSWORD)];
    let attempts = [
        vec![("origin", "http://evil.example")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "http://sub.evil.example"),
        ],
    ];
    for headers in attempts {
        let mut request = server.client.post(&login).form(&form);
        for (k, v) in &headers {
            request = request.header(*k, *v);
        }
        let reply = request.send().await.unwrap();
        assert_eq!(reply.status(), 403, "{headers:?}");
        assert!(reply.headers().get("set-cookie").is_none());
    }
    // A text/plain body (a "simple" cross-site request) from another origin.
    let plain = server
        .client
        .post(&login)
        .header("origin", "http://evil.example")
        .header("content-type", "text/plain")
        .body("email=ada@example.com&password=x")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 403);
    // The same request from the blog's own pages works.
    assert!(
        Browser::new(&server)
            .login("ada@example.com", PASSWORD)
            .await
            .status
            < 400
    );
}

async fn server_functions_refuse_get(db: TestDb) {
    let server = TestServer::start(&db).await;
    for (endpoint, _, _) in MATRIX
        .iter()
        .chain([("register", &[][..], [0; 3]), ("login", &[][..], [0; 3])].iter())
    {
        let (status, _) = server.get(&format!("/api/{endpoint}")).await;
        assert_eq!(status, 405, "GET /api/{endpoint}");
    }
}
