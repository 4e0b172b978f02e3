//! Two-factor sign-in: set up on the account page, asked for after the password, recovery
//! codes, codes never accepted twice, admins required to use it, and the operator's way out.

use std::time::{SystemTime, UNIX_EPOCH};

use app::auth::two_factor::code_at;

use crate::support::server::quire;
use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    a_code_after_the_password_then_a_recovery_code_each_log_in_once,
    the_same_code_sent_at_once_from_many_sign_ins_logs_in_one,
    the_second_step_needs_the_first_and_the_page_works_without_javascript,
    turning_it_off_needs_the_password_and_the_operator_can_too,
);

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The code an app shows 30 s from now: the code that confirmed a set-up (or logged in) a
/// moment ago is for this step, and a step is accepted once.
fn next_code(secret: &str) -> String {
    code_at(secret, now() + 30).unwrap()
}

/// Sets up two-factor sign-in for the browser's account; its secret and recovery codes.
pub async fn enrol(browser: &mut Browser<'_>) -> (String, Vec<String>) {
    let started = browser.call("account/two-factor/start", &[]).await;
    assert!(started.status < 400, "{}", started.body);
    let enrolling = panel(browser).await;
    let secret = enrolling["state"]["Enrolling"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("enrolling: {enrolling}"))
        .to_owned();
    let svg = enrolling["state"]["Enrolling"]["qr_svg"].as_str().unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    let code = code_at(&secret, now()).unwrap();
    let confirmed = browser
        .call("account/two-factor/confirm", &[("code", &code)])
        .await;
    assert!(confirmed.status < 400, "{}", confirmed.body);
    // A script gets the codes as the answer; the page's data has none to show again.
    let codes: Vec<String> = serde_json::from_str(&confirmed.body).unwrap();
    assert_eq!(codes.len(), 10);
    let on = panel(browser).await;
    assert_eq!(on["state"]["On"]["codes_left"], 10, "{on}");
    assert_eq!(on["new_codes"], serde_json::json!([]), "{on}");
    (secret, codes)
}

async fn panel(browser: &mut Browser<'_>) -> serde_json::Value {
    let reply = browser.call("account/two-factor", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

/// Logs in with the password: the reply, and whether that alone logged in.
async fn password_step(browser: &mut Browser<'_>) -> bool {
    let reply = browser.login("ada@example.com", PASSWORD).await;
    assert!(reply.status < 400, "{}", reply.body);
    !browser.whoami().await.is_null()
}

async fn a_code_after_the_password_then_a_recovery_code_each_log_in_once(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let mut elsewhere = Browser::new(&server);
    assert!(password_step(&mut elsewhere).await);

    let (secret, codes) = enrol(&mut ada).await;
    assert_eq!(ada.whoami().await["name"], "Ada", "this session goes on");
    assert!(elsewhere.whoami().await.is_null(), "other sessions end");
    let sql = "SELECT code_hash FROM recovery_codes";
    let stored: Vec<String> = match db.connect().await {
        app::db::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(&p).await.unwrap(),
        app::db::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_all(&p).await.unwrap(),
    };
    assert_eq!(stored.len(), 10);
    assert!(
        codes.iter().all(|c| !stored.contains(c)),
        "only hashes are kept"
    );

    let mut browser = Browser::new(&server);
    let reply = browser.login("ada@example.com", PASSWORD).await;
    let to = reply.location.clone().unwrap_or_default();
    assert!(to.ends_with("/login/code"), "{to}");
    assert!(
        browser.whoami().await.is_null(),
        "a password alone does not log in"
    );
    let wrong = browser.call("login/code", &[("code", "000000")]).await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(browser.whoami().await.is_null());
    let code = next_code(&secret);
    let right = browser.call("login/code", &[("code", &code)]).await;
    assert!(right.status < 400, "{}", right.body);
    assert_eq!(browser.whoami().await["name"], "Ada");

    let mut replay = Browser::new(&server);
    assert!(!password_step(&mut replay).await);
    let again = replay.call("login/code", &[("code", &code)]).await;
    assert_eq!(again.status, 422, "a code works once: {}", again.body);

    let recovery = codes[0].to_uppercase().replace('-', " ");
    let with_recovery = replay.call("login/code", &[("code", &recovery)]).await;
    assert!(with_recovery.status < 400, "{}", with_recovery.body);
    assert_eq!(replay.whoami().await["name"], "Ada");
    assert_eq!(panel(&mut replay).await["state"]["On"]["codes_left"], 9);
    let mut third = Browser::new(&server);
    assert!(!password_step(&mut third).await);
    let reused = third.call("login/code", &[("code", &codes[0])]).await;
    assert_eq!(
        reused.status, 422,
        "a recovery code works once: {}",
        reused.body
    );
}

async fn the_same_code_sent_at_once_from_many_sign_ins_logs_in_one(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let (secret, _) = enrol(&mut ada).await;
    let mut waiting = Vec::new();
    for _ in 0..8 {
        let mut browser = Browser::new(&server);
        assert!(!password_step(&mut browser).await);
        waiting.push(browser);
    }
    let code = next_code(&secret);
    let form = [("code", code.as_str())];
    let replies =
        futures::future::join_all(waiting.iter_mut().map(|b| b.call("login/code", &form))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s < 400).count(),
        1,
        "one code, one login: {statuses:?}"
    );
}

async fn the_second_step_needs_the_first_and_the_page_works_without_javascript(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let (secret, _) = enrol(&mut ada).await;

    let mut stranger = Browser::new(&server);
    let reply = stranger
        .call("login/code", &[("code", &next_code(&secret))])
        .await;
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("Log in again"), "{}", reply.body);
    assert!(stranger.whoami().await.is_null());

    // A browser without JavaScript: plain form posts, answered with redirects.
    let mut plain = Browser::new(&server);
    let login = plain
        .submit(
            "login",
            "/login",
            &[("email", "ada@example.com"), ("password", PASSWORD)],
        )
        .await;
    let at = |location: Option<String>| {
        let location = location.expect("a redirect");
        location.trim_start_matches(&server.base).to_owned()
    };
    assert_eq!(at(login.location), "/login/code");
    let page = plain.page("/login/code").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"autocomplete="one-time-code""#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"<label for="field-code">Code</label>"#),
        "{}",
        page.body
    );
    let wrong = plain
        .submit("login/code", "/login/code", &[("code", "111111")])
        .await;
    let back = at(wrong.location);
    assert!(back.starts_with("/login/code?"), "{back}");
    let shown = plain.page(&back).await;
    assert!(
        shown.body.contains("That code is not right"),
        "{}",
        shown.body
    );
    let right = plain
        .submit(
            "login/code",
            "/login/code",
            &[("code", &next_code(&secret))],
        )
        .await;
    assert_eq!(at(right.location), "/");
    assert_eq!(plain.whoami().await["name"], "Ada");
    let account = plain.page("/account").await;
    assert!(
        account.body.contains("Two-factor sign-in is on"),
        "{}",
        account.body
    );

    // New recovery codes by a plain post: shown on the page it lands on, and only there.
    let renewed = plain
        .submit(
            "account/two-factor/codes",
            "/account",
            &[("codes_password", PASSWORD)],
        )
        .await;
    assert_eq!(at(renewed.location), "/account#two-factor");
    let shown = plain.page("/account").await;
    assert!(shown.body.contains("Your recovery codes"), "{}", shown.body);
    assert_eq!(
        shown.body.matches("<li><code>").count(),
        10,
        "{}",
        shown.body
    );
    let again = plain.page("/account").await;
    assert!(!again.body.contains("Your recovery codes"), "shown once");
}

async fn turning_it_off_needs_the_password_and_the_operator_can_too(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    enrol(&mut ada).await;
    let wrong = ada
        .call(
            "account/two-factor/disable",
            &[("password", "not my password")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let off = ada
        .call("account/two-factor/disable", &[("password", PASSWORD)])
        .await;
    assert!(off.status < 400, "{}", off.body);
    assert_eq!(panel(&mut ada).await["state"]["Off"]["required"], false);
    assert!(
        password_step(&mut Browser::new(&server)).await,
        "a password alone again"
    );

    // Locked out: phone and recovery codes lost. The operator turns it off.
    enrol(&mut ada).await;
    let printed = quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", &db.url)
        .args(["admin", "disable-2fa", "ADA@example.com"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&printed.stdout);
    assert!(printed.status.success(), "{stdout}");
    assert!(stdout.contains("Two-factor sign-in is off"), "{stdout}");
    assert!(ada.whoami().await.is_null(), "the account's sessions end");
    assert!(password_step(&mut Browser::new(&server)).await);
    let missing = quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", &db.url)
        .args(["admin", "disable-2fa", "ghost@example.com"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
}
