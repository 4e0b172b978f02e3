//! Registering, logging in and out, roles, and the admin CLI.

use std::io::Write;
use std::process::Stdio;

use crate::support::server::quire;
use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    registering_logs_in_and_the_first_account_is_admin,
    later_accounts_are_readers,
    admin_email_decides_who_becomes_admin,
    a_registered_email_is_a_conflict_whatever_its_case,
    invalid_input_is_reported_per_field,
    failed_forms_keep_what_was_typed_without_javascript,
    login_failures_say_the_same_for_unknown_and_wrong,
    failed_logins_are_throttled_per_account,
    registrations_are_rate_limited_per_address,
    failed_logins_are_throttled_per_address,
    fifty_wrong_passwords_at_once_get_only_the_free_allowance_checked,
    fifty_registrations_at_once_from_one_address_make_only_the_allowance,
    the_admin_cli_creates_and_promotes_admins,
    passwords_never_reach_the_logs,
    the_account_page_changes_the_name,
    the_cookie_is_secure_behind_an_https_public_url,
);

async fn the_cookie_is_secure_behind_an_https_public_url(db: TestDb) {
    let server =
        TestServer::start_with(&db, &[("QUIRE_PUBLIC_URL", "https://blog.example.com")]).await;
    let reply = server
        .client
        .post(server.url("/api/register"))
        .header("origin", "https://blog.example.com")
        .form(&[
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        reply.status().as_u16() < 400,
        "the public origin is trusted: {}",
        reply.status()
    );
    let cookie = reply
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

async fn registering_logs_in_and_the_first_account_is_admin(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut ada = Browser::new(&server);
    let reply = ada
        .submit(
            "register",
            "/register",
            &[
                ("name", "Ada"),
                ("email", " Ada@Example.com "),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    assert_eq!(reply.location.as_deref(), Some("/"));
    let cookie = reply.set_cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");

    let me = ada.whoami().await;
    assert_eq!(me["name"], "Ada");
    assert_eq!(me["email"], "ada@example.com", "trimmed and lowercased");
    assert_eq!(me["role"], "Admin");
    let home = ada.page("/").await.body;
    assert!(
        home.contains("Log out") && home.contains(">Ada<") && home.contains("New post"),
        "{home}"
    );
    assert!(!home.contains(">Log in<"));
}

async fn later_accounts_are_readers(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let mut bob = Browser::new(&server);
    bob.register("Bob", "bob@example.com", PASSWORD).await;
    assert_eq!(bob.whoami().await["role"], "Reader");
    let home = bob.page("/").await.body;
    assert!(home.contains("Log out"));
    assert!(!home.contains("New post"), "readers get no New post link");

    let visitor = Browser::new(&server).page("/").await.body;
    assert!(visitor.contains(">Log in<") && visitor.contains(">Register<"));
    assert!(!visitor.contains("Log out") && !visitor.contains("New post"));
}

async fn admin_email_decides_who_becomes_admin(db: TestDb) {
    let server = TestServer::start_with(&db, &[("ADMIN_EMAIL", "boss@example.com")]).await;
    let mut first = Browser::new(&server);
    first.register("First", "first@example.com", PASSWORD).await;
    assert_eq!(
        first.whoami().await["role"],
        "Reader",
        "ADMIN_EMAIL overrides first-user-admin"
    );
    let mut boss = Browser::new(&server);
    boss.register("Boss", "BOSS@example.com", PASSWORD).await;
    assert_eq!(boss.whoami().await["role"], "Admin");
}

async fn a_registered_email_is_a_conflict_whatever_its_case(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let mut again = Browser::new(&server);
    let reply = again
        .call(
            "register",
            &[
                ("name", "Ada 2"),
                ("email", "ADA@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert!(
        reply
            .body
            .contains("You've already signed up with that email, log in instead!"),
        "{}",
        reply.body
    );
    assert!(again.cookie.is_none(), "not logged in");
}

async fn invalid_input_is_reported_per_field(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut b = Browser::new(&server);
    let reply = b
        .call(
            "register",
            &[("name", " "), ("email", "nope"), ("password", "short")],
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.invalid_fields(), ["name", "email", "password"]);

    let common = b
        .call(
            "register",
            &[
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("password", "Password123"),
            ],
        )
        .await;
    assert_eq!(common.status, 422);
    assert!(common.body.contains("most common"), "{}", common.body);
    let too_long = "x".repeat(129);
    let long = b
        .call(
            "register",
            &[
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("password", &too_long),
            ],
        )
        .await;
    assert_eq!(long.status, 422);
    assert!(!long.body.contains(&too_long), "passwords are never echoed");
}

async fn failed_forms_keep_what_was_typed_without_javascript(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut b = Browser::new(&server);
    let reply = b
        .submit(
            "register",
            "/register",
            &[
                ("name", "Ada <Lovelace>"),
                ("email", "ada@example.com"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(reply.status, 302);
    let back = reply.location.expect("sent back to the form");
    assert!(
        back.contains("/register") && back.contains("__err="),
        "{back}"
    );
    let page = b.page(back.trim_start_matches(&server.base)).await.body;
    assert!(
        page.contains("Use at least 8 characters."),
        "field error shown:\n{page}"
    );
    assert!(
        page.contains(r#"value="Ada &lt;Lovelace&gt;""#),
        "name kept (and escaped):\n{page}"
    );
    assert!(page.contains(r#"value="ada@example.com""#), "email kept");
    assert!(!page.contains(r#"value="short""#), "password not kept");
}

async fn login_failures_say_the_same_for_unknown_and_wrong(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let mut b = Browser::new(&server);
    let wrong = b.login("ada@example.com", "not the password").await;
    let unknown = b.login("nobody@example.com", "not the password").await;
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert!(
        wrong.body.contains("LoginFailed") && unknown.body.contains("LoginFailed"),
        "{}",
        wrong.body
    );
    assert_eq!(
        wrong.body.replace("ada@example.com", "E"),
        unknown.body.replace("nobody@example.com", "E"),
        "nothing tells the two apart"
    );
    assert!(b.cookie.is_none());

    let ok = b.login(" ADA@example.com", PASSWORD).await;
    assert!(ok.status < 400, "{}", ok.body);
    assert_eq!(b.whoami().await["name"], "Ada");
}

async fn failed_logins_are_throttled_per_account(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let mut attacker = Browser::new(&server);
    for _ in 0..5 {
        assert_eq!(
            attacker
                .login("ada@example.com", "guess guess")
                .await
                .status,
            401
        );
    }
    let locked = attacker.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        locked.status, 429,
        "even the right password waits: {}",
        locked.body
    );
    assert!(
        locked
            .body
            .contains("Too many failed logins. Try again in "),
        "{}",
        locked.body
    );
    // Other accounts are not affected.
    Browser::new(&server)
        .register("Bob", "bob@example.com", PASSWORD)
        .await;
    assert!(
        Browser::new(&server)
            .login("bob@example.com", PASSWORD)
            .await
            .status
            < 400
    );
}

async fn failed_logins_are_throttled_per_address(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let mut spray = Browser::new(&server);
    // Password spraying: one guess each for many accounts, from one address.
    for n in 0..20 {
        assert_eq!(
            spray
                .login(&format!("user{n}@example.com"), "Summer2024!")
                .await
                .status,
            401
        );
    }
    let blocked = spray.login("ada@example.com", PASSWORD).await;
    assert_eq!(blocked.status, 429, "{}", blocked.body);
}

/// The limit is decided and recorded in one step: attempts sent at the same moment, to two
/// instances of the blog on one database, cannot all be checked before any is counted.
async fn fifty_wrong_passwords_at_once_get_only_the_free_allowance_checked(db: TestDb) {
    let server = TestServer::start(&db).await;
    let other_instance = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let attempts = (0..50).map(|n| {
        let instance = if n % 2 == 0 { &server } else { &other_instance };
        async move {
            let reply = Browser::new(instance)
                .login("ada@example.com", "guess guess")
                .await;
            reply.status
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 50, "{statuses:?}");
    assert!(
        (1..=5).contains(&checked),
        "{checked} of 50 simultaneous wrong passwords were checked (5 are free): {statuses:?}"
    );
    let locked = Browser::new(&server)
        .login("ada@example.com", PASSWORD)
        .await;
    assert_eq!(locked.status, 429, "{}", locked.body);
}

async fn fifty_registrations_at_once_from_one_address_make_only_the_allowance(db: TestDb) {
    let server = TestServer::start(&db).await;
    let attempts = (0..50).map(|n| {
        let server = &server;
        async move {
            let email = format!("r{n}@example.com");
            let form = [
                ("name", "Reader"),
                ("email", &email),
                ("password", PASSWORD),
            ];
            Browser::new(server).call("register", &form).await.status
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let made = statuses.iter().filter(|s| **s < 400).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(made + refused, 50, "{statuses:?}");
    assert_eq!(made, 5, "5 new accounts an hour are free: {statuses:?}");
}

async fn registrations_are_rate_limited_per_address(db: TestDb) {
    let server = TestServer::start(&db).await;
    for n in 0..5 {
        Browser::new(&server)
            .register("Reader", &format!("r{n}@example.com"), PASSWORD)
            .await;
    }
    let reply = Browser::new(&server)
        .call(
            "register",
            &[
                ("name", "One more"),
                ("email", "r5@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, 429, "{}", reply.body);
    assert!(
        reply.body.contains("Too many new accounts"),
        "{}",
        reply.body
    );
}

async fn the_admin_cli_creates_and_promotes_admins(db: TestDb) {
    let mut child = quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", &db.url)
        .args([
            "admin",
            "create",
            "--name",
            "Root",
            "--email",
            "root@example.com",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Reader", "reader@example.com", PASSWORD)
        .await;
    let mut root = Browser::new(&server);
    assert!(root.login("root@example.com", PASSWORD).await.status < 400);
    assert_eq!(root.whoami().await["role"], "Admin");

    let promote = |email: &str| {
        quire()
            .current_dir(db.dir.path())
            .env("DATABASE_URL", &db.url)
            .args(["admin", "promote", email])
            .output()
            .unwrap()
    };
    assert!(promote("Reader@example.com").status.success());
    let mut reader = Browser::new(&server);
    reader.login("reader@example.com", PASSWORD).await;
    assert_eq!(reader.whoami().await["role"], "Admin");
    let missing = promote("ghost@example.com");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr)
        .contains("no account has the email ghost@example.com"));
}

async fn passwords_never_reach_the_logs(db: TestDb) {
    let server = TestServer::process_with(&db, &[("RUST_LOG", "trace")]).await;
    let mut b = Browser::new(&server);
    b.register("Ada", "ada@example.com", PASSWORD).await;
    b.login("ada@example.com", "a wrong password").await;
    b.login("ada@example.com", PASSWORD).await;
    let log = server.log();
    assert!(log.contains("account registered"), "the log is captured");
    assert!(
        !log.contains(PASSWORD) && !log.contains("a wrong password"),
        "password in log"
    );
    assert!(!log.contains("$argon2"), "hash in log");
}

async fn the_account_page_changes_the_name(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut b = Browser::new(&server);
    b.register("Ada", "ada@example.com", PASSWORD).await;
    assert!(b.page("/account").await.body.contains("Signed in as"));
    let reply = b.call("account/name", &[("name", "Countess Ada")]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(b.whoami().await["name"], "Countess Ada");
    let bad = b.call("account/name", &[("name", "  ")]).await;
    assert_eq!(bad.status, 422);
}
