//! Email verification through a real SMTP server: a link for new accounts, needed before
//! commenting; a changed address that waits for its link; and blogs without mail.

use crate::support::smtp::{mail_settings, SmtpSink};
use crate::support::{both, seed, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    a_new_reader_confirms_their_address_before_commenting,
    a_changed_address_takes_effect_through_its_link_and_the_old_one_is_told,
    without_mail_nobody_is_asked_and_the_admin_is_told_why,
    dead_links_get_a_clear_page,
);

fn link_in(mail: &str) -> String {
    crate::support::smtp::link_in(mail, "/verify-email/")
}

fn token_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

async fn mailing_server(db: &TestDb, smtp: &SmtpSink) -> TestServer {
    let settings = mail_settings(smtp);
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestServer::start_with(db, &settings).await
}

async fn a_new_reader_confirms_their_address_before_commenting(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let slug = seed::post(&db.connect().await, 1, "Kept", seed::days_ago(1)).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;

    let mails = smtp.wait_for(2).await;
    let mail = mails
        .iter()
        .find(|m| m.contains("To: ada@example.com"))
        .expect("a mail to Ada");
    assert!(
        mail.contains("Subject: Confirm your email address"),
        "{mail}"
    );
    assert!(mail.contains("multipart/alternative"), "{mail}");
    let link = link_in(mail);

    let refused = ada
        .call("comments/add", &[("slug", &slug), ("body", "First!")])
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("Confirm your email address"),
        "{}",
        refused.body
    );
    // The admin, verified or not, is never held back.
    let by_admin = admin
        .call("comments/add", &[("slug", &slug), ("body", "Welcome")])
        .await;
    assert_eq!(by_admin.status, 200, "{}", by_admin.body);
    let account = ada.page("/account").await;
    assert!(
        account.body.contains("(not confirmed yet)"),
        "{}",
        account.body
    );

    // A browser without JavaScript, not logged in: the link's page, then its button.
    let mut elsewhere = Browser::new(&server);
    let page = elsewhere.page(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ada@example.com"), "{}", page.body);
    assert!(page.body.contains("Confirm address"), "{}", page.body);
    let confirmed = elsewhere
        .submit("email/confirm", &link, &[("token", token_of(&link))])
        .await;
    let to = confirmed.location.unwrap_or_default();
    assert!(to.ends_with("/email-confirmed"), "{to}");

    let allowed = ada
        .call("comments/add", &[("slug", &slug), ("body", "First!")])
        .await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    let account = ada.page("/account").await;
    assert!(account.body.contains("(confirmed)"), "{}", account.body);
    let users = admin.page("/admin/users").await;
    assert!(
        users.body.contains("Email verification is on"),
        "{}",
        users.body
    );
}

async fn a_changed_address_takes_effect_through_its_link_and_the_old_one_is_told(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    smtp.wait_for(1).await;

    let wrong = ada
        .call(
            "account/email/change",
            &[
                ("new_email", "ada@new.example"),
                ("email_password", "not it at all"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let asked = ada
        .call(
            "account/email/change",
            &[
                ("new_email", "Ada@New.example"),
                ("email_password", PASSWORD),
            ],
        )
        .await;
    assert!(asked.status < 400, "{}", asked.body);
    let mails = smtp.wait_for(3).await;
    let to_new = mails
        .iter()
        .find(|m| m.contains("To: ada@new.example"))
        .expect("a link to the new address");
    assert!(
        to_new.contains("Subject: Confirm your new address"),
        "{to_new}"
    );
    let notice = mails
        .iter()
        .find(|m| m.contains("To: ada@example.com") && m.contains("being changed"))
        .expect("a notice to the old address");
    assert!(
        !notice.contains("/verify-email/"),
        "the old address gets no link: {notice}"
    );

    // Until the link is opened, the old address is the account's.
    let account: serde_json::Value =
        serde_json::from_str(&ada.call("account/email", &[]).await.body).unwrap();
    assert_eq!(account["email"], "ada@example.com");
    assert_eq!(account["changing_to"], "ada@new.example");
    assert!(
        Browser::new(&server)
            .login("ada@example.com", PASSWORD)
            .await
            .status
            < 400
    );

    let link = link_in(to_new);
    let confirmed = Browser::new(&server)
        .call("email/confirm", &[("token", token_of(&link))])
        .await;
    assert!(confirmed.status < 400, "{}", confirmed.body);
    assert_eq!(
        Browser::new(&server)
            .login("ada@example.com", PASSWORD)
            .await
            .status,
        401
    );
    assert!(
        Browser::new(&server)
            .login("ada@new.example", PASSWORD)
            .await
            .status
            < 400
    );
    assert_eq!(ada.whoami().await["email"], "ada@new.example");
}

async fn without_mail_nobody_is_asked_and_the_admin_is_told_why(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    let slug = seed::post(&db.connect().await, 1, "Kept", seed::days_ago(1)).await;
    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let comment = ada
        .call("comments/add", &[("slug", &slug), ("body", "Hello")])
        .await;
    assert_eq!(comment.status, 200, "{}", comment.body);
    let users = admin.page("/admin/users").await;
    assert!(
        users
            .body
            .contains("Email verification is off: it needs the blog&#x27;s mail settings")
            || users
                .body
                .contains("Email verification is off: it needs the blog's mail settings"),
        "{}",
        users.body
    );
    // The address changes at once (no link can prove it).
    let changed = ada
        .call(
            "account/email/change",
            &[
                ("new_email", "ada@new.example"),
                ("email_password", PASSWORD),
            ],
        )
        .await;
    assert!(changed.status < 400, "{}", changed.body);
    assert_eq!(ada.whoami().await["email"], "ada@new.example");
    let taken = ada
        .call(
            "account/email/change",
            &[
                ("new_email", "admin@example.com"),
                ("email_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(taken.status, 409, "{}", taken.body);
}

async fn dead_links_get_a_clear_page(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut browser = Browser::new(&server);
    for token in ["0".repeat(64), "not-a-token".to_owned()] {
        let page = browser.page(&format!("/verify-email/{token}")).await;
        assert_eq!(page.status, 404, "{token}");
        assert!(
            page.body.contains("does not work any more"),
            "{}",
            page.body
        );
        assert_eq!(page.status, 404);
    }
}
