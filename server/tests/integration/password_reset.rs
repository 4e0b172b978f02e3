//! "Forgot your password?": a link by mail, through a real SMTP server, or from the admin's
//! command line when the blog has no mail settings.

use crate::support::server::quire;
use crate::support::smtp::{mail_settings, SmtpSink, PUBLIC_URL};
use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "a brand new password";

both!(
    a_mailed_link_sets_a_new_password_ends_other_sessions_and_works_once,
    the_answer_is_the_same_for_an_address_without_an_account,
    requests_are_throttled_per_address_asked_for,
    a_forged_host_never_reaches_a_link,
    without_a_public_url_links_are_not_mailed,
    without_mail_settings_the_page_says_so_and_the_admin_prints_a_link,
    dead_links_get_a_clear_page,
);

fn link_in(mail: &str) -> String {
    crate::support::smtp::link_in(mail, "/reset-password/")
}

async fn mailing_server(db: &TestDb, smtp: &SmtpSink) -> TestServer {
    let mut settings = mail_settings(smtp);
    // Only reset links in the mailbox (email_verification.rs tests the others).
    settings.push(("QUIRE_VERIFY_EMAIL", "off".into()));
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestServer::start_with(db, &settings).await
}

async fn a_mailed_link_sets_a_new_password_ends_other_sessions_and_works_once(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    let mut old_session = Browser::new(&server);
    old_session
        .register("Ada", "ada@example.com", PASSWORD)
        .await;

    let login_page = Browser::new(&server).page("/login").await;
    assert!(login_page.body.contains(r#"href="/forgot-password""#));
    let mut forgetful = Browser::new(&server);
    let asked = forgetful
        .call("password/forgot", &[("email", "ADA@example.com")])
        .await;
    assert!(asked.status < 400, "{}", asked.body);
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.contains("To: ada@example.com"), "{mail}");
    assert!(mail.contains("Subject: Set a new password"), "{mail}");
    assert!(
        mail.contains("multipart/alternative"),
        "text and HTML: {mail}"
    );
    let link = link_in(mail);

    let page = reqwest::get(server.url(&link)).await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("New password") && html.contains("Set new password"),
        "{html}"
    );

    let token = link.rsplit('/').next().unwrap();
    let reset = forgetful
        .call(
            "password/reset",
            &[("token", token), ("password", NEW_PASSWORD)],
        )
        .await;
    assert!(reset.status < 400, "{}", reset.body);
    assert_eq!(forgetful.whoami().await["name"], "Ada", "logged in here");
    assert!(
        old_session.whoami().await.is_null(),
        "the session from before the reset has ended"
    );
    assert_eq!(
        Browser::new(&server)
            .login("ada@example.com", PASSWORD)
            .await
            .status,
        401
    );
    assert!(
        Browser::new(&server)
            .login("ada@example.com", NEW_PASSWORD)
            .await
            .status
            < 400
    );
    let again = Browser::new(&server)
        .call(
            "password/reset",
            &[("token", token), ("password", "yet another password")],
        )
        .await;
    assert_eq!(again.status, 404, "{}", again.body);
    assert!(
        again.body.contains("does not work any more"),
        "{}",
        again.body
    );
}

async fn the_answer_is_the_same_for_an_address_without_an_account(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let known = Browser::new(&server)
        .call("password/forgot", &[("email", "ada@example.com")])
        .await;
    let unknown = Browser::new(&server)
        .call("password/forgot", &[("email", "nobody@example.com")])
        .await;
    assert_eq!(
        (known.status, &known.body, &known.location),
        (unknown.status, &unknown.body, &unknown.location)
    );
    let page = Browser::new(&server).page("/forgot-password?sent=1").await;
    assert!(page.body.contains("If an account exists for that address"));
    // Only the account's owner gets a mail.
    let mails = smtp.wait_for(2).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: ada@example.com"));
}

/// Password-reset poisoning: the link is built from the configured address, never from the
/// Host a request names.
async fn a_forged_host_never_reaches_a_link(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    // Sent by the attacker themselves, not from a page: every header is theirs to choose.
    let forged = server
        .client
        .post(server.url("/api/password/forgot"))
        .header("host", "evil.example")
        .header("x-forwarded-host", "evil.example")
        .header("origin", "http://evil.example")
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", "ada@example.com")])
        .send()
        .await
        .unwrap();
    assert!(forged.status().as_u16() < 400, "{}", forged.status());
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    let mail = mails[0].replace("=\r\n", "").replace("=\n", "");
    assert!(!mail.contains("evil.example"), "{mail}");
    assert!(
        mail.contains(&format!("{PUBLIC_URL}/reset-password/")),
        "{mail}"
    );
}

async fn without_a_public_url_links_are_not_mailed(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = TestServer::start_with(
        &db,
        &[("SMTP_URL", &smtp.url), ("CONTACT_TO", "owner@example.com")],
    )
    .await;
    let page = Browser::new(&server).page("/forgot-password").await;
    assert!(
        page.body.contains("and its public address"),
        "{}",
        page.body
    );
    let refused = Browser::new(&server)
        .call("password/forgot", &[("email", "ada@example.com")])
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
}

async fn requests_are_throttled_per_address_asked_for(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    for _ in 0..3 {
        let asked = Browser::new(&server)
            .call("password/forgot", &[("email", "ada@example.com")])
            .await;
        assert!(asked.status < 400, "{}", asked.body);
    }
    let throttled = Browser::new(&server)
        .call("password/forgot", &[("email", "ada@example.com")])
        .await;
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    let other = Browser::new(&server)
        .call("password/forgot", &[("email", "bob@example.com")])
        .await;
    assert!(other.status < 400, "another address has its own allowance");
}

async fn without_mail_settings_the_page_says_so_and_the_admin_prints_a_link(db: TestDb) {
    let server = TestServer::start(&db).await;
    Browser::new(&server)
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    let page = Browser::new(&server).page("/forgot-password").await;
    assert!(
        page.body.contains("need the blog's mail settings"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Send reset link"));
    let refused = Browser::new(&server)
        .call("password/forgot", &[("email", "ada@example.com")])
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("mail settings"), "{}", refused.body);

    let printed = quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", &db.url)
        .env("QUIRE_PUBLIC_URL", "https://blog.example.com")
        .args(["admin", "reset-password", "Ada@example.com"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&printed.stdout);
    assert!(printed.status.success(), "{stdout}");
    assert!(
        stdout.contains("https://blog.example.com/reset-password/"),
        "{stdout}"
    );
    let token = stdout.trim().rsplit('/').next().unwrap();
    let mut ada = Browser::new(&server);
    let reset = ada
        .call(
            "password/reset",
            &[("token", token), ("password", NEW_PASSWORD)],
        )
        .await;
    assert!(reset.status < 400, "{}", reset.body);
    assert_eq!(ada.whoami().await["name"], "Ada");

    let missing = quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", &db.url)
        .args(["admin", "reset-password", "ghost@example.com"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
}

async fn dead_links_get_a_clear_page(db: TestDb) {
    let server = TestServer::start(&db).await;
    for token in ["nonsense", &"0".repeat(64), &"A".repeat(64)] {
        let page = Browser::new(&server)
            .page(&format!("/reset-password/{token}"))
            .await;
        assert_eq!(page.status, 404, "{token}: {}", page.body);
        assert!(
            page.body.contains("does not work any more"),
            "{}",
            page.body
        );
        assert!(page.body.contains(r#"href="/forgot-password""#));
        assert!(!page.body.contains("New password"));
    }
}
