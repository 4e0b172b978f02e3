//! Every server function, called directly over HTTP as each kind of caller, and requests
//! from other sites.

use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    every_server_function_checks_its_caller,
    admins_who_must_use_two_factor_sign_in_are_readers_until_they_do,
    private_pages_answer_401_and_403_with_a_friendly_page,
    cross_site_writes_are_refused,
    server_functions_refuse_get,
);

/// A server function, its arguments, and the status expected for anonymous, reader,
/// contributor, author, editor and admin, called in that order (`OK` for any success: 2xx,
/// or a redirect). `{comment}` stands for the id of a comment the reader wrote. The post
/// `kept` is the admin's, and published.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    [u16; 6],
);

/// The roles of the matrix's columns after the first (anonymous).
const ROLES: [&str; 5] = ["reader", "contributor", "author", "editor", "admin"];

const OK: u16 = 0;

/// A well-formed reset token that no link has.
const DEAD_TOKEN: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Every server function but `register` and `login` (accounts.rs covers those, and their
/// rate limits). `every_server_function_is_in_the_matrix` keeps this list complete.
const MATRIX: &[Case] = &[
    ("list_posts", &[("page", "1")], [OK, OK, OK, OK, OK, OK]),
    (
        "search",
        &[("q", "kept"), ("page", "1")],
        [OK, OK, OK, OK, OK, OK],
    ),
    (
        "tags/posts",
        &[("tag", "none"), ("page", "1")],
        [404, 404, 404, 404, 404, 404],
    ),
    (
        "authors/posts",
        &[("author", "999999"), ("page", "1")],
        [404, 404, 404, 404, 404, 404],
    ),
    ("current_user", &[], [OK, OK, OK, OK, OK, OK]),
    ("logout", &[], [OK, OK, OK, OK, OK, OK]),
    ("account", &[], [401, OK, OK, OK, OK, OK]),
    (
        "account/name",
        &[("name", "Renamed")],
        [401, OK, OK, OK, OK, OK],
    ),
    ("account/notifications", &[], [401, OK, OK, OK, OK, OK]),
    (
        "account/notifications/set",
        &[("replies", "on")],
        [401, OK, OK, OK, OK, OK],
    ),
    (
        "account/password",
        &[
            ("current_password", "wrong wrong"),
            ("new_password", "whatever new one"),
        ],
        [401, 422, 422, 422, 422, 422],
    ),
    ("admin/users", &[], [401, 403, 403, 403, 403, OK]),
    ("admin/invites", &[], [401, 403, 403, 403, 403, OK]),
    (
        "admin/invites/create",
        &[("email", "new@example.com"), ("role", "author")],
        [401, 403, 403, 403, 403, OK],
    ),
    (
        "admin/invites/shown",
        &[("key", "nothing")],
        [401, 403, 403, 403, 403, OK],
    ),
    (
        "admin/invites/withdraw",
        &[("id", "999999")],
        [401, 403, 403, 403, 403, 404],
    ),
    (
        "admin/users/role",
        &[("id", "999999"), ("role", "author")],
        [401, 403, 403, 403, 403, 404],
    ),
    (
        "admin/users/remove",
        &[("id", "999999"), ("confirm", "on")],
        [401, 403, 403, 403, 403, 404],
    ),
    (
        "invites/get",
        &[("token", DEAD_TOKEN)],
        [404, 404, 404, 404, 404, 404],
    ),
    (
        "invites/accept",
        &[
            ("token", DEAD_TOKEN),
            ("name", "N"),
            ("password", "a long password"),
        ],
        [404, 404, 404, 404, 404, 404],
    ),
    ("posts/desk", &[], [401, 403, OK, OK, OK, OK]),
    (
        "pages/get",
        &[("slug", "none")],
        [404, 404, 404, 404, 404, 404],
    ),
    ("pages/nav", &[], [OK, OK, OK, OK, OK, OK]),
    ("admin/pages", &[], [401, 403, 403, 403, 403, OK]),
    (
        "admin/pages/draft",
        &[("slug", "")],
        [401, 403, 403, 403, 403, OK],
    ),
    (
        "admin/pages/create",
        &[
            ("title", "Colophon"),
            ("body", "Set in type."),
            ("in_nav", "on"),
        ],
        [401, 403, 403, 403, 403, OK],
    ),
    (
        "admin/pages/update",
        &[("slug", "none"), ("title", "T"), ("body", "B")],
        [401, 403, 403, 403, 403, 404],
    ),
    (
        "admin/pages/move",
        &[("slug", "none"), ("direction", "up")],
        [401, 403, 403, 403, 403, 404],
    ),
    (
        "admin/pages/delete",
        &[("slug", "none")],
        [401, 403, 403, 403, 403, 404],
    ),
    ("posts/get", &[("slug", "kept")], [OK, OK, OK, OK, OK, OK]),
    (
        "series/get",
        &[("slug", "none")],
        [404, 404, 404, 404, 404, 404],
    ),
    // Published (the default): a contributor may not; the author makes "Matrix", and the
    // next callers find the title taken.
    (
        "posts/create",
        &[
            ("title", "Matrix"),
            ("subtitle", ""),
            ("cover_url", ""),
            ("body", "x"),
        ],
        [401, 403, 422, OK, 409, 409],
    ),
    (
        "posts/update",
        &[
            ("slug", "kept"),
            ("title", "Kept"),
            ("subtitle", ""),
            ("cover_url", ""),
            ("body", "y"),
        ],
        [401, 403, 403, 403, OK, OK],
    ),
    // The editor deletes it: nothing left for the admin.
    (
        "posts/delete",
        &[("slug", "kept")],
        [401, 403, 403, 403, OK, 404],
    ),
    (
        "posts/draft",
        &[("slug", "kept")],
        [401, 403, 403, 403, OK, OK],
    ),
    ("posts/new-draft", &[], [401, 403, OK, OK, OK, OK]),
    (
        "posts/autosave",
        &[
            ("slug", "kept"),
            ("revision", "1"),
            ("title", "Kept"),
            ("subtitle", ""),
            ("cover_url", ""),
            ("tags", ""),
            ("body", "half a sen"),
        ],
        [401, 403, 403, 403, OK, OK],
    ),
    (
        "posts/autosave/discard",
        &[("slug", "kept")],
        [401, 403, 403, 403, OK, OK],
    ),
    (
        "posts/revisions",
        &[("slug", "kept")],
        [401, 403, 403, 403, OK, OK],
    ),
    (
        "posts/revision",
        &[("slug", "kept"), ("number", "1")],
        [401, 403, 403, 403, OK, OK],
    ),
    // Revision 1 of the post: restoring it is a save like any other.
    (
        "posts/revisions/restore",
        &[("slug", "kept"), ("number", "1"), ("revision", "")],
        [401, 403, 403, 403, OK, OK],
    ),
    (
        "posts/preview",
        &[("body", "*x*")],
        [401, 403, OK, OK, OK, OK],
    ),
    (
        "comments/add",
        &[("slug", "kept"), ("body", "hello")],
        [401, OK, OK, OK, OK, OK],
    ),
    // The reader deletes their own comment; then there is nothing left for the admin.
    (
        "comments/delete",
        &[("id", "{comment}")],
        [401, OK, 404, 404, 404, 404],
    ),
    (
        "comments/moderate",
        &[("id", "{comment}"), ("action", "hide")],
        [401, 403, 403, 403, OK, OK],
    ),
    ("admin/comments", &[], [401, 403, 403, 403, OK, OK]),
    (
        "admin/comments/hold",
        &[("hold", "true")],
        [401, 403, 403, 403, OK, OK],
    ),
    ("about", &[], [OK, OK, OK, OK, OK, OK]),
    (
        "about/update",
        &[("text", "About us")],
        [401, 403, 403, 403, 403, OK],
    ),
    (
        "contact",
        &[
            ("name", "N"),
            ("email", "n@example.com"),
            ("phone", ""),
            ("message", "hi"),
        ],
        [OK, OK, OK, OK, OK, OK],
    ),
    ("admin/messages", &[], [401, 403, 403, 403, 403, OK]),
    ("admin/outbox", &[], [401, 403, 403, 403, 403, OK]),
    // This server has no mail settings: asking for a link is refused, saying so.
    ("password/by_mail", &[], [OK, OK, OK, OK, OK, OK]),
    (
        "password/forgot",
        &[("email", "reader@example.com")],
        [422, 422, 422, 422, 422, 422],
    ),
    (
        "password/check",
        &[("token", DEAD_TOKEN)],
        [404, 404, 404, 404, 404, 404],
    ),
    (
        "password/reset",
        &[("token", DEAD_TOKEN), ("password", "a new long password")],
        [404, 404, 404, 404, 404, 404],
    ),
    (
        "admin/messages/read",
        &[("id", "999999"), ("read", "true")],
        [401, 403, 403, 403, 403, 404],
    ),
    ("account/two-factor", &[], [401, OK, OK, OK, OK, OK]),
    ("account/two-factor/start", &[], [401, OK, OK, OK, OK, OK]),
    // Not six digits: never a right code, whether a set-up was started or not.
    (
        "account/two-factor/confirm",
        &[("code", "abcdef")],
        [401, 422, 422, 422, 422, 422],
    ),
    (
        "account/two-factor/disable",
        &[("password", "wrong wrong")],
        [401, 422, 422, 422, 422, 422],
    ),
    (
        "account/two-factor/codes",
        &[("codes_password", "wrong wrong")],
        [401, 422, 422, 422, 422, 422],
    ),
    ("email/verification", &[], [OK, OK, OK, OK, OK, OK]),
    ("account/email", &[], [401, OK, OK, OK, OK, OK]),
    // This server has no mail settings: nothing to send again.
    ("account/email/resend", &[], [401, 400, 400, 400, 400, 400]),
    (
        "account/email/change",
        &[
            ("new_email", "new@example.com"),
            ("email_password", "wrong wrong"),
        ],
        [401, 422, 422, 422, 422, 422],
    ),
    (
        "email/check",
        &[("token", DEAD_TOKEN)],
        [404, 404, 404, 404, 404, 404],
    ),
    (
        "email/confirm",
        &[("token", DEAD_TOKEN)],
        [404, 404, 404, 404, 404, 404],
    ),
    ("account/sessions", &[], [401, OK, OK, OK, OK, OK]),
    // Another account's session, or none: the same answer.
    (
        "account/sessions/end",
        &[("handle", "0123456789abcdef0123456789abcdef")],
        [401, 404, 404, 404, 404, 404],
    ),
    (
        "account/sessions/end-others",
        &[],
        [401, OK, OK, OK, OK, OK],
    ),
    // Nobody here gave a password first: the second step has nothing to finish.
    (
        "login/code",
        &[("code", "123456")],
        [422, 422, 422, 422, 422, 422],
    ),
    ("subscribe/offer", &[], [OK, OK, OK, OK, OK, OK]),
    // This server has no mail settings: subscribing is refused, saying so.
    (
        "subscribe",
        &[("email", "n@example.com")],
        [422, 422, 422, 422, 422, 422],
    ),
    (
        "subscribe/check",
        &[("token", DEAD_TOKEN)],
        [404, 404, 404, 404, 404, 404],
    ),
    (
        "subscribe/confirm",
        &[("token", DEAD_TOKEN)],
        [404, 404, 404, 404, 404, 404],
    ),
    (
        "unsubscribe/check",
        &[("token", DEAD_TOKEN)],
        [404, 404, 404, 404, 404, 404],
    ),
    (
        "unsubscribe",
        &[("token", DEAD_TOKEN)],
        [404, 404, 404, 404, 404, 404],
    ),
    ("subscribers/reach", &[], [401, 403, 403, 403, OK, OK]),
    (
        "posts/mailing",
        &[("slug", "kept")],
        [401, 403, 403, 403, OK, OK],
    ),
    (
        "admin/subscribers",
        &[("q", "a")],
        [401, 403, 403, 403, 403, OK],
    ),
    (
        "admin/subscribers/remove",
        &[("id", "999999")],
        [401, 403, 403, 403, 403, 404],
    ),
];

async fn every_server_function_checks_its_caller(db: TestDb) {
    let server = TestServer::start(&db).await;
    let pool = db.connect().await;
    for (endpoint, args, expected) in MATRIX {
        clear(&pool).await;
        let mut admin = Browser::new(&server);
        admin.register("Admin", "admin@example.com", PASSWORD).await;
        let mut reader = Browser::new(&server);
        reader
            .register("Reader", "reader@example.com", PASSWORD)
            .await;
        let mut team = Vec::new();
        for role in ["contributor", "author", "editor"] {
            let mut member = Browser::new(&server);
            let email = format!("{role}@example.com");
            member.register(role, &email, PASSWORD).await;
            crate::support::execute(
                &db,
                &format!("UPDATE users SET role = '{role}' WHERE email = '{email}'"),
            )
            .await;
            team.push(member);
        }
        let post = admin
            .call(
                "posts/create",
                &[
                    ("title", "Kept"),
                    ("subtitle", ""),
                    ("cover_url", ""),
                    ("body", "x"),
                ],
            )
            .await;
        assert!(post.status < 400, "{}", post.body);
        assert_eq!(
            reader
                .call("comments/add", &[("slug", "kept"), ("body", "mine")])
                .await
                .status,
            200
        );
        let post_id = app::db::posts::by_slug(&pool, "kept")
            .await
            .unwrap()
            .unwrap()
            .id;
        let comment = app::db::comments::page_for_post(
            &pool,
            post_id,
            app::db::comments::Viewer::Moderator,
            1,
        )
        .await
        .unwrap()
        .comments[0]
            .id
            .to_string();
        let args: Vec<(&str, &str)> = args
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    if *v == "{comment}" {
                        comment.as_str()
                    } else {
                        *v
                    },
                )
            })
            .collect();

        let mut anonymous = Browser::new(&server);
        let [contributor, author, editor] = &mut team[..] else {
            unreachable!()
        };
        let callers = [
            &mut anonymous,
            &mut reader,
            contributor,
            author,
            editor,
            &mut admin,
        ];
        let who = ["anonymous"].into_iter().chain(ROLES);
        for ((who, browser), status) in who.zip(callers).zip(*expected) {
            // Each caller starts with its allowances whole (contact's is per address).
            crate::support::execute(&db, "DELETE FROM rate_events").await;
            let reply = browser.call(endpoint, &args).await;
            if status == OK {
                assert!(
                    reply.status < 400,
                    "{endpoint} as {who}: {} {}",
                    reply.status,
                    reply.body
                );
            } else {
                assert_eq!(reply.status, status, "{endpoint} as {who}: {}", reply.body);
                assert!(
                    !reply.body.contains("sqlx") && !reply.body.contains("panicked"),
                    "{}",
                    reply.body
                );
            }
        }
    }
}

/// With `QUIRE_ADMIN_2FA=required`, an admin without two-factor sign-in gets what a reader
/// gets from every function readers may not call, told why — and, once it is on, what an
/// admin gets.
async fn admins_who_must_use_two_factor_sign_in_are_readers_until_they_do(db: TestDb) {
    let server = TestServer::start_with(&db, &[("QUIRE_ADMIN_2FA", "required")]).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let admin_only = MATRIX.iter().filter(|(_, _, expected)| expected[1] == 403);
    for (endpoint, args, _) in admin_only.clone() {
        let args: Vec<(&str, &str)> = args
            .iter()
            .map(|(k, v)| (*k, if *v == "{comment}" { "1" } else { *v }))
            .collect();
        let reply = admin.call(endpoint, &args).await;
        assert_eq!(reply.status, 403, "{endpoint}: {}", reply.body);
        assert!(
            reply.body.contains("TwoFactorRequired"),
            "{endpoint}: {}",
            reply.body
        );
    }
    let page = admin.page("/admin/users").await;
    assert!(
        page.body.contains("Two-factor sign-in needed"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"href="/account#two-factor""#),
        "{}",
        page.body
    );
    crate::two_factor::enrol(&mut admin).await;
    assert!(admin.call("admin/users", &[]).await.status < 400);
}

#[test]
fn every_server_function_is_in_the_matrix() {
    let api = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/api");
    let mut declared = Vec::new();
    for file in std::fs::read_dir(&api).unwrap() {
        let source = std::fs::read_to_string(file.unwrap().path()).unwrap();
        // A function's attribute is a line of its own; an argument's (`#[server(default)]
        // website: String,`) has the argument after it.
        for line in source
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("#[server(") && l.ends_with(")]"))
        {
            let endpoint = line
                .split("endpoint = \"")
                .nth(1)
                .and_then(|rest| rest.split('"').next());
            declared.push(
                endpoint
                    .unwrap_or_else(|| panic!("pin the endpoint: {line}"))
                    .to_owned(),
            );
        }
    }
    declared.sort();
    let mut covered: Vec<String> = MATRIX
        .iter()
        .map(|(e, _, _)| e.to_string())
        .chain(["register".into(), "login".into()])
        .collect();
    covered.sort();
    assert_eq!(
        declared, covered,
        "a server function is missing from MATRIX (or MATRIX names one that is gone)"
    );
}

async fn clear(db: &app::db::Db) {
    const TABLES: [&str; 8] = [
        "comments",
        "posts",
        "messages",
        "settings",
        "sessions",
        "rate_events",
        "users",
        "users",
    ];
    match db {
        app::db::Db::Sqlite(p) => {
            for table in &TABLES[..7] {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
        app::db::Db::Postgres(p) => {
            sqlx::query(&format!("TRUNCATE {} CASCADE", TABLES[..7].join(", ")))
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
        .chain([("register", &[][..], [0; 6]), ("login", &[][..], [0; 6])].iter())
    {
        let (status, _) = server.get(&format!("/api/{endpoint}")).await;
        assert_eq!(status, 405, "GET /api/{endpoint}");
    }
}
