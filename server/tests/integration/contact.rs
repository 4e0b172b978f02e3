//! The About page and the contact form, with and without a working SMTP server.

use crate::support::smtp::{free_port, SmtpSink};
use crate::support::{both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    messages_are_kept_and_mailed,
    messages_are_kept_when_mail_fails_and_mailed_once_it_works_even_after_a_crash,
    contact_input_is_validated_and_headers_cannot_be_injected,
    only_the_admin_reads_the_inbox,
    the_admin_edits_the_about_page,
);

fn message<'a>(name: &'a str, email: &'a str, body: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("name", name),
        ("email", email),
        ("phone", "+1 555 0100"),
        ("message", body),
    ]
}

async fn inbox(admin: &mut Browser<'_>) -> serde_json::Value {
    let reply = admin.call("admin/messages", &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn messages_are_kept_and_mailed(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = TestServer::process_with(
        &db,
        &[("SMTP_URL", &smtp.url), ("CONTACT_TO", "owner@example.com")],
    )
    .await;
    let reply = Browser::new(&server)
        .call(
            "contact",
            &message("Grace", "grace@example.com", "Loved the cactus post."),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1, "{}", server.log());
    let mail = &mails[0];
    assert!(mail.contains("To: owner@example.com"), "{mail}");
    assert!(
        mail.contains("Reply-To: Grace <grace@example.com>"),
        "{mail}"
    );
    assert!(mail.contains("Subject: Blog contact from Grace"), "{mail}");
    assert!(
        mail.contains("Loved the cactus post.") && mail.contains("+1 555 0100"),
        "{mail}"
    );

    let mut admin = Browser::new(&server);
    admin.register("Owner", "owner@example.com", PASSWORD).await;
    let list = inbox(&mut admin).await;
    assert_eq!(list[0]["body"], "Loved the cactus post.");
    // Marked as mailed once the SMTP server accepted it.
    for _ in 0..50 {
        if inbox(&mut admin).await[0]["mailed"] == true {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the message was not marked as mailed");
}

/// The mail waits in the outbox, in the database: a crash between the failed try and the
/// next one loses nothing, and the admin sees why it has not gone out.
async fn messages_are_kept_when_mail_fails_and_mailed_once_it_works_even_after_a_crash(db: TestDb) {
    let port = free_port();
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let env = [
        ("SMTP_URL", smtp_url.as_str()),
        ("CONTACT_TO", "owner@example.com"),
        ("QUIRE_MAIL_RETRY_SECONDS", "1"),
    ];
    let mut server = TestServer::process_with(&db, &env).await;
    let mut admin = Browser::new(&server);
    admin.register("Owner", "owner@example.com", PASSWORD).await;
    let reply = Browser::new(&server)
        .call(
            "contact",
            &message("Grace", "grace@example.com", "Still kept."),
        )
        .await;
    assert_eq!(
        reply.status, 200,
        "the sender is not told about our mail trouble: {}",
        reply.body
    );
    let mut failed = serde_json::Value::Null;
    for _ in 0..100 {
        failed = inbox(&mut admin).await[0].clone();
        if !failed["mail_error"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(failed["body"], "Still kept.");
    assert_eq!(failed["mailed"], false);
    let error = failed["mail_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("sending the mail"),
        "{failed}\n{}",
        server.log()
    );
    assert!(server
        .log()
        .contains("mail not sent; it stays in the outbox"));
    let unsent = admin.call("admin/outbox", &[]).await;
    let unsent: serde_json::Value = serde_json::from_str(&unsent.body).unwrap();
    assert_eq!(unsent[0]["kind"], "contact", "{unsent}");
    assert_eq!(unsent[0]["recipient"], "owner@example.com", "{unsent}");
    assert!(unsent[0]["last_error"].is_string(), "{unsent}");

    server.kill();
    let smtp = SmtpSink::start_on(port).await;
    let server = TestServer::process_with(&db, &env).await;
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1, "{}", server.log());
    assert!(mails[0].contains("Still kept."), "{}", mails[0]);
    let mut admin = Browser::new(&server);
    admin.login("owner@example.com", PASSWORD).await;
    for _ in 0..100 {
        let message = inbox(&mut admin).await[0].clone();
        if message["mailed"] == true {
            assert!(message["mail_error"].is_null(), "{message}");
            let unsent = admin.call("admin/outbox", &[]).await;
            assert_eq!(unsent.body, "[]", "nothing left unsent");
            // Sent once: nothing more arrives.
            tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
            assert_eq!(smtp.wait_for(2).await.len(), 1);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the message was not marked as mailed:\n{}", server.log());
}

async fn contact_input_is_validated_and_headers_cannot_be_injected(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = TestServer::start_with(
        &db,
        &[("SMTP_URL", &smtp.url), ("CONTACT_TO", "owner@example.com")],
    )
    .await;
    let mut visitor = Browser::new(&server);
    let bad = visitor
        .call(
            "contact",
            &[
                ("name", ""),
                ("email", "x"),
                ("phone", "call me"),
                ("message", " "),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    for field in ["name", "email", "phone", "message"] {
        assert!(
            bad.body.contains(&format!(r#""field":"{field}""#)),
            "{field}: {}",
            bad.body
        );
    }
    for (name, email) in [
        ("Eve\r\nBcc: victim@example.com", "eve@example.com"),
        ("Eve", "eve@example.com\r\nBcc: victim@example.com"),
        ("Eve", "eve@example.com>\nBcc: victim@example.com"),
    ] {
        let reply = visitor.call("contact", &message(name, email, "hi")).await;
        assert_eq!(reply.status, 422, "{name:?} {email:?}: {}", reply.body);
    }
    // A message body may say anything: it never becomes a header.
    let ok = visitor
        .call(
            "contact",
            &message(
                "Eve",
                "eve@example.com",
                "Bcc: victim@example.com\r\nSubject: x",
            ),
        )
        .await;
    assert_eq!(ok.status, 200);
    let mails = smtp.wait_for(1).await;
    let headers = mails[0].split("\n\n").next().unwrap_or_default();
    assert!(!headers.contains("victim@example.com"), "{}", mails[0]);
}

async fn only_the_admin_reads_the_inbox(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Owner", "owner@example.com", PASSWORD).await;
    let mut reader = Browser::new(&server);
    reader
        .register("Reader", "reader@example.com", PASSWORD)
        .await;
    Browser::new(&server)
        .call("contact", &message("Grace", "grace@example.com", "Hello"))
        .await;

    assert_eq!(
        Browser::new(&server)
            .call("admin/messages", &[])
            .await
            .status,
        401
    );
    assert_eq!(reader.call("admin/messages", &[]).await.status, 403);
    let id = inbox(&mut admin).await[0]["id"].to_string();
    assert_eq!(
        reader
            .call("admin/messages/read", &[("id", &id), ("read", "true")])
            .await
            .status,
        403
    );
    assert_eq!(
        admin
            .call("admin/messages/read", &[("id", &id), ("read", "true")])
            .await
            .status,
        200
    );
    assert_eq!(inbox(&mut admin).await[0]["read"], true);
    assert_eq!(
        admin
            .call("admin/messages/read", &[("id", &id), ("read", "false")])
            .await
            .status,
        200
    );
    assert_eq!(inbox(&mut admin).await[0]["read"], false);
    assert_eq!(
        admin
            .call("admin/messages/read", &[("id", "999999"), ("read", "true")])
            .await
            .status,
        404
    );
    let page = admin.page("/admin/messages").await.body;
    assert!(
        page.contains("grace@example.com") && page.contains("1 unread"),
        "{page}"
    );
    assert_eq!(reader.page("/admin/messages").await.status, 403);
}

async fn the_admin_edits_the_about_page(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin.register("Owner", "owner@example.com", PASSWORD).await;
    let mut reader = Browser::new(&server);
    reader
        .register("Reader", "reader@example.com", PASSWORD)
        .await;
    assert!(reader
        .page("/about")
        .await
        .body
        .contains("has not written an About page yet"));

    assert_eq!(
        reader
            .call("about/update", &[("text", "defaced")])
            .await
            .status,
        403
    );
    assert_eq!(
        Browser::new(&server)
            .call("about/update", &[("text", "defaced")])
            .await
            .status,
        401
    );
    let saved = admin
        .call(
            "about/update",
            &[("text", "I write about **cacti**. <script>alert(1)</script>")],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let page = Browser::new(&server).page("/about").await.body;
    assert!(
        page.contains("<strong>cacti</strong>") && !page.contains("<script>alert(1)"),
        "{page}"
    );
    assert!(
        !page.contains("Edit the About page"),
        "visitors get no editor"
    );
    assert!(admin
        .page("/about")
        .await
        .body
        .contains("Edit the About page"));
}
