//! Replies: a comment answers another on the same post, one level deep, shown under it; the
//! author of the comment answered is mailed, once, if they asked for it on their account page.

use crate::support::smtp::{mail_settings, SmtpSink};
use crate::support::{both, count, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    a_reply_is_shown_under_the_comment_it_answers,
    a_reply_must_answer_a_comment_on_the_same_post,
    the_reply_form_works_without_javascript,
    replies_are_mailed_to_those_who_asked_once,
    a_held_reply_is_mailed_when_approved,
);

async fn comment(browser: &mut Browser<'_>, body: &str, parent: &str) -> u16 {
    browser
        .call(
            "comments/add",
            &[("slug", "talk"), ("body", body), ("parent", parent)],
        )
        .await
        .status
}

async fn id_of(db: &TestDb, body: &str) -> String {
    count(
        db,
        &format!("SELECT id FROM comments WHERE body = '{body}'"),
    )
    .await
    .to_string()
}

async fn blog<'a>(server: &'a TestServer) -> (Browser<'a>, Browser<'a>, Browser<'a>) {
    let mut admin = Browser::new(server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    assert!(admin.publish("Talk", "Let us talk.").await.status < 400);
    let mut ada = Browser::new(server);
    ada.register("Ada", "ada@example.com", PASSWORD).await;
    let mut bob = Browser::new(server);
    bob.register("Bob", "bob@example.com", PASSWORD).await;
    (admin, ada, bob)
}

async fn a_reply_is_shown_under_the_comment_it_answers(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (_admin, mut ada, mut bob) = blog(&server).await;
    assert_eq!(comment(&mut ada, "First thought", "").await, 200);
    assert_eq!(comment(&mut ada, "Second thought", "").await, 200);
    let first = id_of(&db, "First thought").await;
    assert_eq!(
        comment(&mut bob, "Bob answers the first", &first).await,
        200
    );
    // A reply to a reply answers the first comment of the thread: one level deep.
    let answer = id_of(&db, "Bob answers the first").await;
    assert_eq!(comment(&mut ada, "Ada answers Bob", &answer).await, 200);
    let parent = "SELECT parent_id FROM comments WHERE body = 'Ada answers Bob'";
    assert_eq!(count(&db, parent).await.to_string(), first);

    let page = Browser::new(&server).page("/posts/talk").await.body;
    let at = |text: &str| {
        page.find(text)
            .unwrap_or_else(|| panic!("{text} in {page}"))
    };
    assert!(at("First thought") < at("Bob answers the first"));
    assert!(at("Bob answers the first") < at("Ada answers Bob"));
    assert!(
        at("Ada answers Bob") < at("Second thought"),
        "replies sit under their comment"
    );
    let replies = &page[at("comment-list replies")..at("Second thought")];
    assert!(replies.contains("Bob answers the first") && replies.contains("Ada answers Bob"));
    assert!(page.contains("4 comments"), "replies count as comments");
    assert!(page.contains(&format!(r#"href="/posts/talk?reply={first}#comment-form""#)));
    assert!(page.contains(r#"aria-label="Reply to Bob""#));
    assert!(page.contains(&format!(r#"id="comment-{answer}""#)));

    // Deleting a comment takes its replies with it.
    assert!(ada.call("comments/delete", &[("id", &first)]).await.status < 400);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM comments").await, 1);
}

async fn a_reply_must_answer_a_comment_on_the_same_post(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut ada, mut bob) = blog(&server).await;
    assert!(admin.publish("Elsewhere", "Another post.").await.status < 400);
    let elsewhere = ada
        .call(
            "comments/add",
            &[("slug", "elsewhere"), ("body", "Over there")],
        )
        .await;
    assert_eq!(elsewhere.status, 200);
    let there = id_of(&db, "Over there").await;
    for parent in [there.as_str(), "999999", "not a number"] {
        let reply = bob
            .call(
                "comments/add",
                &[("slug", "talk"), ("body", "Misplaced"), ("parent", parent)],
            )
            .await;
        assert_eq!(reply.status, 404, "{parent}: {}", reply.body);
        assert!(reply.body.contains("not there any more"), "{}", reply.body);
    }
    // Nor a hidden comment, which readers cannot see.
    assert_eq!(comment(&mut ada, "Soon hidden", "").await, 200);
    let hidden = id_of(&db, "Soon hidden").await;
    let hide = admin
        .call("comments/moderate", &[("id", &hidden), ("action", "hide")])
        .await;
    assert!(hide.status < 400);
    assert_eq!(comment(&mut bob, "To the hidden", &hidden).await, 404);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM comments WHERE body IN ('Misplaced', 'To the hidden')"
        )
        .await,
        0
    );
}

async fn the_reply_form_works_without_javascript(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (_admin, mut ada, mut bob) = blog(&server).await;
    assert_eq!(comment(&mut ada, "Ask me", "").await, 200);
    let asked = id_of(&db, "Ask me").await;
    let form = bob.page(&format!("/posts/talk?reply={asked}")).await.body;
    assert!(form.contains("Replying to Ada’s comment."), "{form}");
    assert!(
        form.contains(&format!(
            r#"<input type="hidden" name="parent" value="{asked}">"#
        )),
        "{form}"
    );
    assert!(form.contains(r#"id="comment-form""#));
    assert!(form.contains("Cancel the reply"));
    let sent = bob
        .submit(
            "comments/add",
            &format!("/posts/talk?reply={asked}"),
            &[
                ("slug", "talk"),
                ("body", "Answered plainly"),
                ("parent", &asked),
            ],
        )
        .await;
    assert!(
        sent.location.is_some_and(|l| l.contains("/posts/talk")),
        "back to the post"
    );
    let parent = "SELECT parent_id FROM comments WHERE body = 'Answered plainly'";
    assert_eq!(count(&db, parent).await.to_string(), asked);
}

async fn mailing_blog(db: &TestDb, smtp: &SmtpSink) -> TestServer {
    let mut settings = mail_settings(smtp);
    settings.push(("QUIRE_VERIFY_EMAIL", "off".into()));
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestServer::start_with(db, &settings).await
}

/// The mails to `to` among `mails`.
fn to<'m>(mails: &'m [String], to: &str) -> Vec<&'m String> {
    mails
        .iter()
        .filter(|m| m.contains(&format!("To: {to}")))
        .collect()
}

async fn replies_are_mailed_to_those_who_asked_once(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_blog(&db, &smtp).await;
    let (_admin, mut ada, mut bob) = blog(&server).await;
    // Ada asks for replies by mail; Bob does not.
    assert!(
        !ada.page("/account").await.body.contains("checked"),
        "off at first"
    );
    let on = ada
        .call("account/notifications/set", &[("replies", "on")])
        .await;
    assert!(on.status < 400, "{}", on.body);
    assert!(ada
        .page("/account")
        .await
        .body
        .contains(r#"id="field-replies" name="replies" value="on" checked"#));
    assert_eq!(comment(&mut ada, "Ada asks", "").await, 200);
    assert_eq!(comment(&mut bob, "Bob asks", "").await, 200);
    let ada_asks = id_of(&db, "Ada asks").await;
    let bob_asks = id_of(&db, "Bob asks").await;

    assert_eq!(comment(&mut bob, "Bob answers <Ada>", &ada_asks).await, 200);
    assert_eq!(
        comment(&mut ada, "Ada answers herself", &ada_asks).await,
        200
    );
    assert_eq!(comment(&mut ada, "Ada answers Bob", &bob_asks).await, 200);
    let mails = smtp.wait_for(1).await;
    // Give any other mail time to arrive, then count.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mails = if mails.len() > 1 {
        mails
    } else {
        smtp.wait_for(1).await
    };
    let to_ada = to(&mails, "ada@example.com");
    assert_eq!(to_ada.len(), 1, "one reply by someone else: {mails:?}");
    assert!(to(&mails, "bob@example.com").is_empty(), "Bob did not ask");
    let mail = to_ada[0];
    assert!(
        mail.contains("Subject: Bob replied to your comment"),
        "{mail}"
    );
    assert!(mail.contains("Bob answers <Ada>"), "quoted as text: {mail}");
    assert!(
        mail.contains("Bob answers &lt;Ada&gt;"),
        "escaped in HTML: {mail}"
    );
    let answer = id_of(&db, "Bob answers <Ada>").await;
    assert!(
        mail.contains(&format!("/posts/talk#comment-{answer}")),
        "{mail}"
    );
    assert!(mail.contains("/account#notifications"), "{mail}");
    let noticed = "SELECT COUNT(*) FROM comments WHERE reply_notified_at IS NOT NULL";
    assert_eq!(
        count(&db, noticed).await,
        3,
        "every visible reply is dealt with once"
    );

    // Turned off (the box unticked sends nothing), nothing more comes.
    assert!(ada.call("account/notifications/set", &[]).await.status < 400);
    assert_eq!(comment(&mut bob, "Bob again", &ada_asks).await, 200);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(to(&smtp.wait_for(0).await, "ada@example.com").len(), 1);
}

async fn a_held_reply_is_mailed_when_approved(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_blog(&db, &smtp).await;
    let (mut admin, mut ada, mut bob) = blog(&server).await;
    assert!(
        ada.call("account/notifications/set", &[("replies", "on")])
            .await
            .status
            < 400
    );
    assert_eq!(comment(&mut ada, "Ada asks", "").await, 200);
    let asked = id_of(&db, "Ada asks").await;
    assert!(
        admin
            .call("admin/comments/hold", &[("hold", "true")])
            .await
            .status
            < 400
    );
    assert_eq!(comment(&mut bob, "Held answer", &asked).await, 200);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(
        to(&smtp.wait_for(0).await, "ada@example.com").is_empty(),
        "not while held"
    );
    let held = id_of(&db, "Held answer").await;
    for action in ["approve", "hide", "show"] {
        let done = admin
            .call("comments/moderate", &[("id", &held), ("action", action)])
            .await;
        assert!(done.status < 400, "{action}: {}", done.body);
    }
    let mails = smtp.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(
        to(&smtp.wait_for(mails.len()).await, "ada@example.com").len(),
        1,
        "once, shown twice"
    );
}
