//! Subscribing by email, through a real SMTP server: double opt-in, each new post mailed once
//! to each confirmed subscriber (also across instances), unsubscribing by link and by the
//! one-click POST of RFC 8058, and "delete my address".

use std::time::Duration;

use app::db::Db;

use crate::support::smtp::{link_in, mail_settings, SmtpSink, PUBLIC_URL};
use crate::support::{both, quire_on, seed, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    a_visitor_confirms_and_gets_each_new_post_once,
    the_answer_never_tells_whether_an_address_is_subscribed,
    unsubscribing_by_link_or_one_click_stops_the_mail,
    a_scheduled_post_is_mailed_once_when_its_time_comes_whatever_the_instances,
    subscribe_requests_are_throttled_per_address,
    the_admin_lists_searches_and_removes_subscribers,
    subscribers_move_as_csv_and_an_import_never_subscribes_again,
    refusals_bounce_an_address_and_a_busy_server_is_tried_again,
    a_send_killed_midway_and_resumed_by_two_instances_mails_each_once,
    the_admin_downloads_and_imports_the_list_on_the_page,
);

fn settings(smtp: &SmtpSink) -> Vec<(&'static str, String)> {
    let mut settings = mail_settings(smtp);
    settings.push(("QUIRE_VERIFY_EMAIL", "off".into()));
    settings.push(("QUIRE_NEWSLETTER_PER_MINUTE", "60000".into()));
    settings
}

async fn mailing_server(db: &TestDb, smtp: &SmtpSink) -> TestServer {
    let settings = settings(smtp);
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestServer::start_with(db, &settings).await
}

/// The blog's admin, logged in.
async fn admin(server: &TestServer) -> Browser<'_> {
    let mut admin = Browser::new(server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    admin
}

/// Publishes a post, mailed to the subscribers when `mail` is set; returns its slug.
async fn publish(
    admin: &mut Browser<'_>,
    title: &str,
    status: &str,
    publish_at: &str,
    mail: bool,
) -> String {
    let mut form = vec![
        ("title", title),
        ("subtitle", "A subtitle"),
        ("cover_url", ""),
        ("body", "Words with an ![image](/images/x.png)."),
        ("status", status),
        ("publish_at", publish_at),
    ];
    if mail {
        form.push(("email_subscribers", "on"));
    }
    let reply = admin.call("posts/create", &form).await;
    assert!(reply.status < 400, "{}", reply.body);
    reply
        .location
        .unwrap_or_default()
        .trim_start_matches("/posts/")
        .to_owned()
}

/// Subscribes `email` as a visitor and confirms it through the mailed link. `seen` is how
/// many mails the sink has before.
async fn subscribe_and_confirm(server: &TestServer, smtp: &SmtpSink, email: &str, seen: usize) {
    let mut visitor = Browser::new(server);
    let asked = visitor.call("subscribe", &[("email", email)]).await;
    assert!(asked.status < 400, "{}", asked.body);
    let mails = smtp.wait_for(seen + 1).await;
    let mail = mail_to(&mails, &email.to_lowercase(), "Confirm your subscription");
    let link = link_in(mail, "/subscribe/confirm/");
    let page = visitor.page(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm subscription"), "{}", page.body);
    let token = link.rsplit('/').next().unwrap();
    let confirmed = visitor.call("subscribe/confirm", &[("token", token)]).await;
    assert!(confirmed.status < 400, "{}", confirmed.body);
}

/// Waits a moment for mail that must not come, then returns all there is.
async fn settled(smtp: &SmtpSink) -> Vec<String> {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    smtp.wait_for(0).await
}

/// The addresses the blog keeps, in order.
async fn subscribers(db: &TestDb) -> Vec<String> {
    let sql = "SELECT email FROM subscribers ORDER BY id";
    match db.connect().await {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(&pool).await,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(&pool).await,
    }
    .unwrap()
}

/// Publishes the scheduled post at `slug` a minute ago, as if its time had come.
async fn move_into_the_past(db: &TestDb, slug: &str) {
    let at = app::db::now() - chrono::TimeDelta::minutes(1);
    let sql = "UPDATE posts SET published_at = $1 WHERE slug = $2";
    match db.connect().await {
        Db::Sqlite(pool) => sqlx::query(sql)
            .bind(at)
            .bind(slug)
            .execute(&pool)
            .await
            .map(|_| ()),
        Db::Postgres(pool) => sqlx::query(sql)
            .bind(at)
            .bind(slug)
            .execute(&pool)
            .await
            .map(|_| ()),
    }
    .unwrap();
}

/// The mail to `to` about `subject` (the sink lists mails in no particular order).
fn mail_to<'m>(mails: &'m [String], to: &str, subject: &str) -> &'m String {
    mails
        .iter()
        .find(|m| header(m, "To") == Some(to) && header(m, "Subject") == Some(subject))
        .unwrap_or_else(|| panic!("no mail to {to} about {subject:?} in {mails:?}"))
}

fn header<'m>(mail: &'m str, name: &str) -> Option<&'m str> {
    mail.lines().find_map(|l| {
        l.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(": "))
    })
}

async fn a_visitor_confirms_and_gets_each_new_post_once(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    let mut admin = admin(&server).await;
    let home = Browser::new(&server).page("/").await.body;
    assert!(
        home.contains("New posts by email") && home.contains(">Subscribe<"),
        "{home}"
    );

    // Pending: not mailed until confirmed.
    let mut visitor = Browser::new(&server);
    visitor
        .call("subscribe", &[("email", "Pending@Example.com")])
        .await;
    smtp.wait_for(1).await;
    subscribe_and_confirm(&server, &smtp, "Reader@Example.com", 1).await;

    let slug = publish(&mut admin, "Fresh news", "published", "", true).await;
    let mails = smtp.wait_for(3).await;
    assert_eq!(
        mails.len(),
        3,
        "one post mail, to the confirmed address only"
    );
    let mail = mail_to(&mails, "reader@example.com", "Fresh news");
    let unsubscribe = header(mail, "List-Unsubscribe").unwrap();
    assert!(
        unsubscribe.starts_with(&format!("<{PUBLIC_URL}/unsubscribe/")),
        "{unsubscribe}"
    );
    assert_eq!(
        header(mail, "List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(header(mail, "Message-ID")
        .unwrap()
        .starts_with("<quire-outbox-"));
    let body = mail
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    assert!(
        body.contains(&format!("{PUBLIC_URL}/posts/{slug}")),
        "the post's link"
    );
    assert!(
        body.contains(&format!("{PUBLIC_URL}/images/x.png")),
        "images as absolute URLs"
    );
    assert!(body.contains("multipart/alternative"), "text and HTML");

    // Saving it again, box ticked or not, mails nothing more; nor does a post left unticked.
    let again = admin
        .call(
            "posts/update",
            &[
                ("slug", &slug),
                ("title", "Fresh news"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "Edited."),
                ("email_subscribers", "on"),
            ],
        )
        .await;
    assert!(again.status < 400, "{}", again.body);
    publish(&mut admin, "Quiet news", "published", "", false).await;
    assert_eq!(settled(&smtp).await.len(), 3);
    let editor = admin.page(&format!("/posts/{slug}/edit")).await.body;
    assert!(
        editor.contains("Mailed to subscribers: 1 sent, 0 waiting, 0 refused.")
            && editor.contains(r#"aria-label="Mails to subscribers handled""#),
        "{editor}"
    );
}

async fn the_answer_never_tells_whether_an_address_is_subscribed(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    subscribe_and_confirm(&server, &smtp, "known@example.com", 0).await;
    let mut visitor = Browser::new(&server);
    let known = visitor
        .call("subscribe", &[("email", "known@example.com")])
        .await;
    let unknown = visitor
        .call("subscribe", &[("email", "unknown@example.com")])
        .await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    // The new address gets its link; the subscribed one gets nothing more.
    let mails = settled(&smtp).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    mail_to(&mails, "unknown@example.com", "Confirm your subscription");
}

async fn unsubscribing_by_link_or_one_click_stops_the_mail(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    let mut admin = admin(&server).await;
    subscribe_and_confirm(&server, &smtp, "one@example.com", 0).await;
    subscribe_and_confirm(&server, &smtp, "two@example.com", 1).await;
    publish(&mut admin, "First", "published", "", true).await;
    let mails = smtp.wait_for(4).await;
    assert_eq!(mails.len(), 4);
    let link = |to: &str| link_in(mail_to(&mails, to, "First"), "/unsubscribe/");

    // A mail client's own button: a bare POST, no page, no cookie, no Origin.
    let one_click = server
        .client
        .post(server.url(&link("one@example.com")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), 200);

    // The link in a browser: a page with the buttons, then "Delete my address".
    let mut reader = Browser::new(&server);
    let two = link("two@example.com");
    let page = reader.page(&two).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("t•••@example.com") && page.body.contains("Delete my address"));
    let token = two.rsplit('/').next().unwrap();
    let forgot = reader
        .call("unsubscribe", &[("token", token), ("forget", "yes")])
        .await;
    assert!(forgot.status < 400, "{}", forgot.body);
    assert_eq!(
        reader.page(&two).await.status,
        404,
        "the address is gone, links and all"
    );
    assert_eq!(subscribers(&db).await, ["one@example.com"]);

    publish(&mut admin, "Second", "published", "", true).await;
    assert_eq!(settled(&smtp).await.len(), 4, "nobody is mailed any more");
}

async fn a_scheduled_post_is_mailed_once_when_its_time_comes_whatever_the_instances(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    let mut admin = admin(&server).await;
    subscribe_and_confirm(&server, &smtp, "reader@example.com", 0).await;
    let slug = publish(&mut admin, "Later", "scheduled", "2099-01-01T09:00", true).await;
    assert_eq!(settled(&smtp).await.len(), 1, "not out yet: not mailed");

    // Its time comes (moved, rather than waited for), and two more instances start: each
    // looks for due posts at once, and every one of the three every 15 s.
    move_into_the_past(&db, &slug).await;
    let _second = mailing_server(&db, &smtp).await;
    let _third = mailing_server(&db, &smtp).await;
    let mails = smtp.wait_for(2).await;
    mail_to(&mails, "reader@example.com", "Later");
    tokio::time::sleep(Duration::from_secs(16)).await;
    assert_eq!(
        smtp.wait_for(0).await.len(),
        2,
        "mailed once, whatever the instances"
    );
}

async fn subscribe_requests_are_throttled_per_address(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        // Each from a browser of its own: the limit is the address's, not the client's.
        let mut visitor = Browser::new(&server);
        statuses.push(
            visitor
                .call("subscribe", &[("email", "flood@example.com")])
                .await
                .status,
        );
    }
    assert!(statuses[..3].iter().all(|s| *s < 400), "{statuses:?}");
    assert_eq!(statuses[3], 429);
}

async fn the_admin_lists_searches_and_removes_subscribers(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let server = mailing_server(&db, &smtp).await;
    let mut admin = admin(&server).await;
    subscribe_and_confirm(&server, &smtp, "one@example.com", 0).await;
    let mut visitor = Browser::new(&server);
    visitor
        .call("subscribe", &[("email", "two@example.com")])
        .await;
    // The address is written after the reply (so its timing tells nothing): its link mail
    // arriving says it is in.
    smtp.wait_for(2).await;

    let page = admin.page("/admin/subscribers").await.body;
    assert!(
        page.contains("1 confirmed, 1 waiting for confirmation, 0 unsubscribed, 0 bouncing."),
        "{page}"
    );
    assert!(page.contains("one@example.com") && page.contains("two@example.com"));
    assert!(page.contains(r#"aria-label="Remove one@example.com""#));
    let found = admin.page("/admin/subscribers?q=TWO").await.body;
    assert!(found.contains("two@example.com") && !found.contains("one@example.com"));
    let wildcard = admin.page("/admin/subscribers?q=%25").await.body;
    assert!(
        !wildcard.contains("one@example.com"),
        "a typed % is not a wildcard"
    );
    assert_eq!(
        Browser::new(&server)
            .page("/admin/subscribers")
            .await
            .status,
        401
    );
    assert_eq!(visitor.page("/admin/subscribers").await.status, 401);

    let listing = admin.call("admin/subscribers", &[("q", "one")]).await;
    let listing: serde_json::Value = serde_json::from_str(&listing.body).unwrap();
    let id = listing["rows"][0]["id"].as_i64().unwrap().to_string();
    let removed = admin.call("admin/subscribers/remove", &[("id", &id)]).await;
    assert!(removed.status < 400, "{}", removed.body);
    assert_eq!(subscribers(&db).await, ["two@example.com"]);
}

async fn subscribers_move_as_csv_and_an_import_never_subscribes_again(db: TestDb) {
    // An address that unsubscribed here, and one that waits for its confirmation.
    let pool = db.connect().await;
    seed::unconfirmed_subscriber(&pool, "gone@example.com", 'a', true).await;
    seed::unconfirmed_subscriber(&pool, "waiting@example.com", 'b', false).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("list.csv");
    let good = "email,opted_in\nNew@Example.com,yes\nmaybe@example.com,\n\
                gone@example.com,yes\nwaiting@example.com,true\n";
    std::fs::write(&file, format!("{good}not an address,yes\n")).unwrap();
    let (ok, out) = quire_on(&db, &["subscribers", "import", file.to_str().unwrap()]);
    assert!(!ok && out.contains("line 6"), "{out}");
    assert_eq!(
        subscribers(&db).await.len(),
        2,
        "a bad line: nothing imported"
    );

    std::fs::write(&file, good).unwrap();
    let path = file.to_str().unwrap();
    let (ok, out) = quire_on(&db, &["subscribers", "import", "--dry-run", path]);
    assert!(ok && out.contains("Dry run"), "{out}");
    assert_eq!(subscribers(&db).await.len(), 2);
    let (ok, out) = quire_on(&db, &["subscribers", "import", path]);
    assert!(ok, "{out}");
    assert!(
        out.contains("1 added confirmed, 1 waiting for their own subscription, 1 confirmed now, 0 already subscribed, 1 unsubscribed or bouncing here and left out"),
        "{out}"
    );

    let exported = dir.path().join("out.csv");
    let (ok, out) = quire_on(&db, &["subscribers", "export", exported.to_str().unwrap()]);
    assert!(ok, "{out}");
    let csv = std::fs::read_to_string(&exported).unwrap();
    let statuses: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(
        statuses,
        [
            "gone@example.com,unsubscribed",
            "waiting@example.com,confirmed",
            "new@example.com,confirmed",
            "maybe@example.com,pending",
        ]
    );
}

/// Imports `addresses` as confirmed subscribers, through `quire subscribers import`.
fn import_confirmed(db: &TestDb, addresses: impl IntoIterator<Item = String>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("list.csv");
    let mut csv = String::from("email,opted_in\n");
    for address in addresses {
        csv.push_str(&address);
        csv.push_str(",yes\n");
    }
    std::fs::write(&file, csv).unwrap();
    let (ok, out) = quire_on(db, &["subscribers", "import", file.to_str().unwrap()]);
    assert!(ok, "{out}");
}

/// Waits up to `within` for the editor of `slug` to show `counts`, and returns its page.
async fn editor_shows(admin: &mut Browser<'_>, slug: &str, counts: &str, within: Duration) {
    let deadline = std::time::Instant::now() + within;
    loop {
        let editor = admin.page(&format!("/posts/{slug}/edit")).await.body;
        if editor.contains(counts) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the editor never showed {counts:?}: {editor}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn refusals_bounce_an_address_and_a_busy_server_is_tried_again(db: TestDb) {
    let smtp = SmtpSink::start_refusing().await;
    let mut settings = settings(&smtp);
    settings.push(("QUIRE_NEWSLETTER_BOUNCES", "2".into()));
    settings.push(("QUIRE_MAIL_RETRY_SECONDS", "1".into()));
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = TestServer::start_with(&db, &settings).await;
    let mut admin = admin(&server).await;
    import_confirmed(
        &db,
        [
            "fine@example.com",
            "later@example.com",
            "bounce@example.com",
        ]
        .map(String::from),
    );

    // The busy server's 451 is tried again a second later; the 550 is not tried again.
    let first = publish(&mut admin, "One", "published", "", true).await;
    let within = Duration::from_secs(20);
    editor_shows(&mut admin, &first, "2 sent, 0 waiting, 1 refused.", within).await;
    let mails = smtp.wait_for(2).await;
    mail_to(&mails, "fine@example.com", "One");
    mail_to(&mails, "later@example.com", "One");
    let page = admin.page("/admin/subscribers").await.body;
    assert!(
        page.contains("3 confirmed"),
        "one refusal is not enough: {page}"
    );

    // The second refusal in a row: bouncing, and no longer mailed.
    let second = publish(&mut admin, "Two", "published", "", true).await;
    editor_shows(&mut admin, &second, "2 sent, 0 waiting, 1 refused.", within).await;
    let page = admin.page("/admin/subscribers").await.body;
    assert!(
        page.contains("2 confirmed, 0 waiting for confirmation, 0 unsubscribed, 1 bouncing."),
        "{page}"
    );
    let third = publish(&mut admin, "Three", "published", "", true).await;
    editor_shows(&mut admin, &third, "2 sent, 0 waiting, 0 refused.", within).await;
    assert_eq!(settled(&smtp).await.len(), 6, "two mails per post");
}

/// The subscriber a post mail went to, and its Message-ID.
fn recipient_and_id(mail: &str) -> (String, String) {
    let to = header(mail, "To").expect("a To header").to_owned();
    let id = header(mail, "Message-ID")
        .or_else(|| header(mail, "Message-Id"))
        .expect("a Message-ID")
        .to_owned();
    (to, id)
}

async fn a_send_killed_midway_and_resumed_by_two_instances_mails_each_once(db: TestDb) {
    const SUBSCRIBERS: usize = 2_000;
    let smtp = SmtpSink::start().await;
    let mut settings = settings(&smtp);
    // A crashed sender's mail is tried again after 15 s rather than the default 5 min.
    settings.push(("QUIRE_MAIL_LEASE_SECONDS", "15".into()));
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    import_confirmed(
        &db,
        (0..SUBSCRIBERS).map(|i| format!("reader{i}@example.com")),
    );
    let mut server = TestServer::process_with(&db, &settings).await;
    let mut admin = admin(&server).await;
    let slug = publish(&mut admin, "To everyone", "published", "", true).await;
    let posts = |mails: Vec<String>| -> Vec<(String, String)> {
        mails
            .iter()
            .filter(|m| header(m, "Subject") == Some("To everyone"))
            .map(|m| recipient_and_id(m))
            .collect()
    };

    // Killed with a quarter of the mails out, mid-send.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while posts(smtp.wait_for(0).await).len() < SUBSCRIBERS / 4 {
        assert!(std::time::Instant::now() < deadline, "{}", server.log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill();
    let at_kill = posts(smtp.wait_for(0).await).len();
    assert!(
        at_kill < SUBSCRIBERS,
        "killed before the end ({at_kill} sent)"
    );

    // Restarted as two instances, which share what is left between them.
    let restarted = TestServer::process_with(&db, &settings).await;
    let _second = TestServer::process_with(&db, &settings).await;
    // The editor's progress bar asks how far the send has got.
    let mut admin = Browser::new(&restarted);
    assert!(admin.login("admin@example.com", PASSWORD).await.status < 400);
    let progress = admin.call("posts/mailing", &[("slug", &slug)]).await;
    let [waiting, sent, refused]: [i64; 3] = serde_json::from_str(&progress.body).unwrap();
    assert!(
        waiting > 0 && sent + 1 >= at_kill as i64 && refused == 0,
        "{waiting} waiting, {sent} sent at the restart ({at_kill} received)"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    let mut by_recipient = std::collections::BTreeMap::<String, Vec<String>>::new();
    while by_recipient.len() < SUBSCRIBERS {
        assert!(
            std::time::Instant::now() < deadline,
            "{} of {SUBSCRIBERS} subscribers got the post",
            by_recipient.len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        by_recipient.clear();
        for (to, id) in posts(smtp.wait_for(0).await) {
            by_recipient.entry(to).or_default().push(id);
        }
    }
    // The mail in the SMTP server's hands at the kill is sent again once its lease is over,
    // as the same message; then nothing is left.
    let unsent = "SELECT COUNT(*) FROM outbox WHERE kind = 'post' AND sent_at IS NULL";
    let pool = db.connect().await;
    loop {
        let left: i64 = match &pool {
            Db::Sqlite(pool) => sqlx::query_scalar(unsent).fetch_one(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar(unsent).fetch_one(pool).await,
        }
        .unwrap();
        if left == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{left} mails never marked sent"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut by_recipient = std::collections::BTreeMap::<String, Vec<String>>::new();
    for (to, id) in posts(settled(&smtp).await) {
        by_recipient.entry(to).or_default().push(id);
    }
    assert_eq!(by_recipient.len(), SUBSCRIBERS);
    let mut twice = 0;
    for (to, ids) in &by_recipient {
        assert!(ids.len() <= 2, "{to} got {} mails", ids.len());
        if ids.len() == 2 {
            assert_eq!(ids[0], ids[1], "{to}: sent again, as the same message");
            twice += 1;
        }
    }
    assert!(twice <= 1, "{twice} subscribers got the post twice");
}

/// Posts `csv` to the page's import form as a browser does (a multipart form post, same
/// origin, `origin` unless told otherwise); returns the status and where it redirects.
async fn upload_list(
    server: &TestServer,
    cookie: Option<&str>,
    csv: &str,
    dry_run: bool,
    origin: &str,
) -> (u16, String) {
    use reqwest::multipart::{Form, Part};
    let file = Part::bytes(csv.as_bytes().to_vec())
        .file_name("list.csv")
        .mime_str("text/csv")
        .unwrap();
    let mut form = Form::new().part("file", file);
    if dry_run {
        form = form.text("dry_run", "1");
    }
    let mut request = server
        .client
        .post(server.url("/admin/subscribers/import"))
        .header("origin", origin)
        .header("accept", "text/html")
        .multipart(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), location)
}

async fn the_admin_downloads_and_imports_the_list_on_the_page(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = admin(&server).await;
    let mut reader = Browser::new(&server);
    reader
        .register("Reader", "reader@example.com", PASSWORD)
        .await;
    let pool = db.connect().await;
    seed::unconfirmed_subscriber(&pool, "gone@example.com", 'a', true).await;
    let page = admin.page("/admin/subscribers").await.body;
    assert!(
        page.contains(r#"href="/admin/subscribers.csv""#)
            && page.contains(r#"enctype="multipart/form-data""#)
            && page.contains("CSV file to import"),
        "{page}"
    );
    let own = server.base.clone();

    // Only the admin, either way.
    let list = "email,opted_in\nnew@example.com,yes\n";
    for (who, cookie, status) in [
        ("anonymous", None, 401),
        ("reader", reader.cookie.clone(), 403),
    ] {
        let mut download = server.client.get(server.url("/admin/subscribers.csv"));
        if let Some(cookie) = &cookie {
            download = download.header("cookie", cookie);
        }
        let response = download.send().await.unwrap();
        assert_eq!(response.status(), status, "{who}");
        assert!(!response.text().await.unwrap().contains("gone@example.com"));
        let (got, _) = upload_list(&server, cookie.as_deref(), list, false, &own).await;
        assert_eq!(got, status, "{who}");
    }
    let admin_cookie = admin.cookie.clone();
    let (got, _) = upload_list(
        &server,
        admin_cookie.as_deref(),
        list,
        false,
        "http://evil.example",
    )
    .await;
    assert_eq!(got, 403, "another site's form");
    assert_eq!(subscribers(&db).await, ["gone@example.com"]);

    // A bad line: nothing imported, and the page says which line.
    let bad = "email,opted_in\nnew@example.com,yes\nnot an address,yes\n";
    let (got, location) = upload_list(&server, admin_cookie.as_deref(), bad, false, &own).await;
    assert_eq!(got, 303);
    let page = admin.page(&location).await.body;
    assert!(
        page.contains("Nothing was imported: line 3 of the file"),
        "{page}"
    );
    assert_eq!(subscribers(&db).await, ["gone@example.com"]);

    // A dry run says what would change and changes nothing; then the import.
    let good = "email,opted_in\nNew@Example.com,yes\ngone@example.com,yes\nlater@example.com,\n";
    let (_, location) = upload_list(&server, admin_cookie.as_deref(), good, true, &own).await;
    let page = admin.page(&location).await.body;
    assert!(
        page.contains(
            "Dry run, nothing was changed. The import would make 1 added confirmed, 1 waiting"
        ),
        "{page}"
    );
    assert_eq!(subscribers(&db).await, ["gone@example.com"]);
    let (_, location) = upload_list(&server, admin_cookie.as_deref(), good, false, &own).await;
    let page = admin.page(&location).await.body;
    assert!(
        page.contains(
            "Imported: 1 added confirmed, 1 waiting for their own subscription, 0 confirmed now, \
             0 already subscribed, 1 unsubscribed or bouncing here and left out."
        ),
        "{page}"
    );
    assert_eq!(
        subscribers(&db).await,
        ["gone@example.com", "new@example.com", "later@example.com"]
    );

    // The download: a file, kept by no cache, that the import reads back.
    let response = server
        .client
        .get(server.url("/admin/subscribers.csv"))
        .header("cookie", admin_cookie.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(headers["cache-control"], "no-store");
    let csv = response.text().await.unwrap();
    let rows = app::service::subscriber_lists::read_csv(csv.as_bytes()).unwrap();
    let rows: Vec<(&str, bool)> = rows
        .iter()
        .map(|r| (r.email.as_str(), r.opted_in))
        .collect();
    assert_eq!(
        rows,
        [
            ("gone@example.com", false),
            ("new@example.com", true),
            ("later@example.com", false)
        ]
    );
}
