//! Comment moderation: the admin hides, shows and approves comments; "hold new comments for
//! approval"; the honeypot that keeps form-filling bots out of comments, contact and
//! registration.

use app::db::comments::{self, Viewer};
use app::db::Db;

use crate::support::html::active_content;
use crate::support::{admin_and_reader, both, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    hidden_comments_vanish_for_everyone_but_the_admin_until_shown,
    held_comments_wait_for_approval_and_their_author_sees_them,
    moderation_buttons_work_without_javascript,
    moderation_refuses_stale_and_unknown_actions,
    only_the_admin_moderates,
    the_moderation_page_lists_hidden_and_pending_comments_newest_first,
    honeypot_submissions_are_answered_as_sent_and_store_nothing,
    every_form_with_a_honeypot_hides_it_from_people,
);

/// Ids and statuses of the comments on the post at `slug`, oldest first (as the admin sees
/// them: all of them).
async fn comments_on(pool: &Db, slug: &str) -> Vec<(String, String)> {
    let post = app::db::posts::by_slug(pool, slug)
        .await
        .unwrap()
        .expect("the post exists");
    comments::page_for_post(pool, post.id, Viewer::Moderator, 1)
        .await
        .unwrap()
        .comments
        .iter()
        .map(|c| (c.id.to_string(), c.status().as_str().to_owned()))
        .collect()
}

async fn comment(browser: &mut Browser<'_>, slug: &str, body: &str) -> String {
    let reply = browser
        .call("comments/add", &[("slug", slug), ("body", body)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

async fn moderate(browser: &mut Browser<'_>, id: &str, action: &str) -> u16 {
    let reply = browser
        .call("comments/moderate", &[("id", id), ("action", action)])
        .await;
    reply.status
}

async fn set_hold(admin: &mut Browser<'_>, hold: bool) {
    let args: &[(&str, &str)] = if hold { &[("hold", "true")] } else { &[] };
    let reply = admin.call("admin/comments/hold", args).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// The comments' bodies as `posts/get` gives them to `browser`.
async fn seen_by(browser: &mut Browser<'_>, slug: &str) -> Vec<String> {
    let reply = browser.call("posts/get", &[("slug", slug)]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let post: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    post["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} [{}]",
                c["body_html"].as_str().unwrap().trim(),
                c["status"].as_str().unwrap()
            )
        })
        .collect()
}

async fn hidden_comments_vanish_for_everyone_but_the_admin_until_shown(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Talk", "x").await;
    comment(&mut reader, "talk", "Kept *comment*").await;
    comment(&mut reader, "talk", "Rude remark").await;
    let pool = db.connect().await;
    let ids = comments_on(&pool, "talk").await;
    let rude = ids[1].0.clone();

    assert_eq!(moderate(&mut admin, &rude, "hide").await, 200);
    assert_eq!(comments_on(&pool, "talk").await[1].1, "hidden");
    let mut visitor = Browser::new(&server);
    let mut other = Browser::new(&server);
    other.register("Other", "other@example.com", PASSWORD).await;
    for (who, browser) in [
        ("visitor", &mut visitor),
        ("its author", &mut reader),
        ("another reader", &mut other),
    ] {
        let page = browser.page("/posts/talk").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("<em>comment</em>") && !page.body.contains("Rude remark"),
            "{who}: {}",
            page.body
        );
        assert!(
            page.body.contains("1 comment<"),
            "{who}: only visible ones are counted"
        );
        assert_eq!(
            seen_by(browser, "talk").await,
            ["<p>Kept <em>comment</em></p> [Visible]"],
            "{who}"
        );
    }
    let page = admin.page("/posts/talk").await.body;
    assert!(
        page.contains("Rude remark") && page.contains(">Hidden</strong>"),
        "the admin sees it, marked: {page}"
    );
    assert!(page.contains(r#"aria-label="Show comment""#), "{page}");
    assert!(
        page.contains(r#"aria-label="Hide comment""#),
        "for the visible one"
    );
    assert_eq!(seen_by(&mut admin, "talk").await.len(), 2);

    // Hiding twice (two tabs) is no error; showing brings it back for everyone.
    assert_eq!(moderate(&mut admin, &rude, "hide").await, 200);
    assert_eq!(moderate(&mut admin, &rude, "show").await, 200);
    for browser in [&mut visitor, &mut reader, &mut other] {
        let page = browser.page("/posts/talk").await.body;
        assert!(
            page.contains("Rude remark") && page.contains("2 comments<"),
            "{page}"
        );
        assert!(!page.contains(">Hidden</strong>"));
    }
    // Its author may still delete it, hidden or not.
    assert_eq!(moderate(&mut admin, &rude, "hide").await, 200);
    let deleted = reader.call("comments/delete", &[("id", &rude)]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(comments_on(&pool, "talk").await.len(), 1);
}

async fn held_comments_wait_for_approval_and_their_author_sees_them(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Held", "x").await;
    let pool = db.connect().await;
    let mut visitor = Browser::new(&server);
    let mut other = Browser::new(&server);
    other.register("Other", "other@example.com", PASSWORD).await;

    // Off by default: comments appear at once.
    assert_eq!(comment(&mut reader, "held", "Before").await, r#""Visible""#);

    set_hold(&mut admin, true).await;
    assert_eq!(
        comment(&mut reader, "held", "Please approve me").await,
        r#""Pending""#,
        "the form is told it awaits approval"
    );
    assert_eq!(
        comment(&mut admin, "held", "The admin is never held").await,
        r#""Visible""#
    );
    let ids = comments_on(&pool, "held").await;
    assert_eq!(
        ids.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
        ["visible", "pending", "visible"]
    );
    let pending = ids[1].0.clone();

    for (who, browser) in [("visitor", &mut visitor), ("another reader", &mut other)] {
        let page = browser.page("/posts/held").await.body;
        assert!(
            !page.contains("Please approve me") && page.contains("The admin is never held"),
            "{who}: {page}"
        );
    }
    let own = reader.page("/posts/held").await.body;
    assert!(
        own.contains("Please approve me") && own.contains(">Awaiting approval</strong>"),
        "its author sees it, marked: {own}"
    );
    assert!(
        !own.contains(r#"aria-label="Approve comment""#),
        "but cannot approve it"
    );
    assert!(own.contains("2 comments<"), "pending ones are not counted");
    let page = admin.page("/posts/held").await.body;
    assert!(
        page.contains("Please approve me")
            && page.contains(">Awaiting approval</strong>")
            && page.contains(r#"aria-label="Approve comment""#),
        "{page}"
    );

    assert_eq!(moderate(&mut admin, &pending, "approve").await, 200);
    let page = visitor.page("/posts/held").await.body;
    assert!(
        page.contains("Please approve me") && !page.contains("Awaiting approval"),
        "{page}"
    );

    // Off again: new comments are visible at once; nothing already decided changes.
    set_hold(&mut admin, false).await;
    assert_eq!(comment(&mut reader, "held", "After").await, r#""Visible""#);
    let queue = admin.call("admin/comments", &[]).await;
    let queue: serde_json::Value = serde_json::from_str(&queue.body).unwrap();
    assert_eq!(queue["hold_for_approval"], false);
    assert_eq!(queue["comments"].as_array().unwrap().len(), 0);
    assert!(visitor.page("/posts/held").await.body.contains("After"));
}

async fn moderation_buttons_work_without_javascript(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Plain", "x").await;
    comment(&mut reader, "plain", "Spam, spam, spam").await;
    let pool = db.connect().await;
    let id = comments_on(&pool, "plain").await[0].0.clone();

    // The button's form, posted as a browser without JavaScript does, comes back to the page.
    let page = admin.page("/posts/plain").await.body;
    assert!(
        page.contains(r#"name="action" value="hide""#),
        "the form carries its action: {page}"
    );
    let reply = admin
        .submit(
            "comments/moderate",
            "/posts/plain",
            &[("id", &id), ("action", "hide")],
        )
        .await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    let back = reply.location.unwrap_or_default();
    assert!(
        back.starts_with(&server.url("/posts/plain")) && !back.contains("__err"),
        "{back}"
    );
    assert_eq!(comments_on(&pool, "plain").await[0].1, "hidden");
    let page = admin.page("/posts/plain").await.body;
    assert!(page.contains(r#"aria-label="Show comment""#), "{page}");
    assert!(!Browser::new(&server)
        .page("/posts/plain")
        .await
        .body
        .contains("Spam, spam"));

    // The setting's checkbox: ticked is on; a form without it (unticked) is off.
    let reply = admin
        .submit(
            "admin/comments/hold",
            "/admin/comments",
            &[("hold", "true")],
        )
        .await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    let page = admin.page("/admin/comments").await.body;
    assert!(checkbox(&page).contains("checked"), "{}", checkbox(&page));
    admin
        .submit("admin/comments/hold", "/admin/comments", &[])
        .await;
    let page = admin.page("/admin/comments").await.body;
    assert!(!checkbox(&page).contains("checked"), "{}", checkbox(&page));
}

/// The "hold" checkbox's tag.
fn checkbox(page: &str) -> &str {
    let start = page
        .find(r#"id="field-hold""#)
        .expect("the hold checkbox is on the page");
    let open = page[..start].rfind('<').unwrap();
    let close = start + page[start..].find('>').unwrap();
    &page[open..=close]
}

async fn moderation_refuses_stale_and_unknown_actions(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Stale", "x").await;
    comment(&mut reader, "stale", "Visible one").await;
    set_hold(&mut admin, true).await;
    comment(&mut reader, "stale", "Held one").await;
    let pool = db.connect().await;
    let ids = comments_on(&pool, "stale").await;
    let (visible, held) = (ids[0].0.clone(), ids[1].0.clone());

    // "Show" does not publish a held comment, "approve" does not bring back a hidden one.
    let reply = admin
        .call("comments/moderate", &[("id", &held), ("action", "show")])
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert!(reply.body.contains("approve it instead"), "{}", reply.body);
    assert_eq!(moderate(&mut admin, &visible, "hide").await, 200);
    assert_eq!(moderate(&mut admin, &visible, "approve").await, 409);
    // Hiding a held comment rejects it: it stays out of sight, even for its author.
    assert_eq!(moderate(&mut admin, &held, "hide").await, 200);
    assert!(!reader.page("/posts/stale").await.body.contains("Held one"));
    assert_eq!(
        comments_on(&pool, "stale")
            .await
            .iter()
            .map(|(_, s)| s.as_str())
            .collect::<Vec<_>>(),
        ["hidden", "hidden"]
    );

    for (id, action, status) in [
        (visible.as_str(), "delete", 400),
        (visible.as_str(), "", 400),
        (visible.as_str(), "HIDE", 400),
        ("999999", "hide", 404),
        ("x", "hide", 400),
    ] {
        let reply = admin
            .call("comments/moderate", &[("id", id), ("action", action)])
            .await;
        assert_eq!(reply.status, status, "{id} {action}: {}", reply.body);
    }
}

async fn only_the_admin_moderates(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Mine", "x").await;
    comment(&mut reader, "mine", "My own words").await;
    let pool = db.connect().await;
    let id = comments_on(&pool, "mine").await[0].0.clone();
    let mut visitor = Browser::new(&server);

    for (who, browser, status) in [("visitor", &mut visitor, 401), ("reader", &mut reader, 403)] {
        for action in ["hide", "show", "approve"] {
            assert_eq!(
                moderate(browser, &id, action).await,
                status,
                "{who} {action}"
            );
        }
        let reply = browser
            .call("admin/comments/hold", &[("hold", "true")])
            .await;
        assert_eq!(reply.status, status, "{who}: {}", reply.body);
        assert_eq!(
            browser.call("admin/comments", &[]).await.status,
            status,
            "{who}"
        );
        let page = browser.page("/admin/comments").await;
        assert_eq!(page.status, status, "{who}");
        let friendly = if status == 401 {
            "Please log in"
        } else {
            "Not allowed"
        };
        assert!(page.body.contains(friendly), "{who}: {}", page.body);
        assert!(!page.body.contains("Hold new comments"), "{who}");
    }
    assert_eq!(comments_on(&pool, "mine").await[0].1, "visible");
    assert!(!app::db::site::hold_comments(&pool).await.unwrap());
    // Nobody but the admin gets the buttons, even on their own comment.
    let own = reader.page("/posts/mine").await.body;
    assert!(own.contains(r#"aria-label="Delete comment""#), "{own}");
    assert!(!own.contains(r#"aria-label="Hide comment""#), "{own}");
    assert!(!Browser::new(&server)
        .page("/")
        .await
        .body
        .contains(r#"href="/admin/comments""#));
    assert!(!reader
        .page("/")
        .await
        .body
        .contains(r#"href="/admin/comments""#));
    assert!(admin
        .page("/")
        .await
        .body
        .contains(r#"href="/admin/comments""#));
}

async fn the_moderation_page_lists_hidden_and_pending_comments_newest_first(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("First post", "x").await;
    admin.publish("Second <post>", "x").await;
    let pool = db.connect().await;
    comment(&mut reader, "first-post", "Stays visible").await;
    comment(&mut reader, "first-post", "Hidden *older*").await;
    set_hold(&mut admin, true).await;
    comment(
        &mut reader,
        "second-post",
        "Pending <img src=x onerror=alert(1)> newer",
    )
    .await;
    let hidden = comments_on(&pool, "first-post").await[1].0.clone();
    assert_eq!(moderate(&mut admin, &hidden, "hide").await, 200);

    let queue = admin.call("admin/comments", &[]).await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let queue: serde_json::Value = serde_json::from_str(&queue.body).unwrap();
    assert_eq!(queue["hold_for_approval"], true);
    let listed: Vec<(&str, &str)> = queue["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["post_slug"].as_str().unwrap(),
                q["comment"]["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [("second-post", "Pending"), ("first-post", "Hidden")],
        "newest first, visible ones left out"
    );

    let page = admin.page("/admin/comments").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains("<h1>Comments</h1>"), "{body}");
    assert!(body.contains("Hold new comments for approval"));
    assert!(
        !body.contains("Stays visible"),
        "visible comments are not listed"
    );
    let (pending_at, hidden_at) = (
        body.find("<p>Pending  newer</p>")
            .expect("the pending comment, cleaned"),
        body.find("Hidden <em>older</em>")
            .expect("rendered Markdown"),
    );
    assert!(pending_at < hidden_at, "newest first");
    assert!(
        body.contains(r#"href="/posts/second-post">Second &lt;post&gt;</a>"#)
            && body.contains(r#"href="/posts/first-post">First post</a>"#),
        "each with its post: {body}"
    );
    for button in [
        "Approve comment",
        "Show comment",
        "Hide comment",
        "Delete comment",
    ] {
        assert!(
            body.contains(&format!(r#"aria-label="{button}""#)),
            "{button}"
        );
    }
    assert_eq!(active_content(body), Vec::<String>::new());
    assert!(body.contains("Reader"), "the author's name");
    assert!(!body.contains("reader@example.com"), "but not their email");

    // Deciding empties the queue.
    let pending = comments_on(&pool, "second-post").await[0].0.clone();
    assert_eq!(moderate(&mut admin, &pending, "approve").await, 200);
    let deleted = admin.call("comments/delete", &[("id", &hidden)]).await;
    assert_eq!(deleted.status, 200);
    let page = admin.page("/admin/comments").await.body;
    assert!(
        page.contains("No comment is hidden or awaiting approval."),
        "{page}"
    );
}

async fn honeypot_submissions_are_answered_as_sent_and_store_nothing(db: TestDb) {
    let server = TestServer::process(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Bait", "x").await;
    let pool = db.connect().await;
    let spam = "Buy cheap watches at spam.example";

    let reply = reader
        .call(
            "comments/add",
            &[
                ("slug", "bait"),
                ("body", spam),
                ("website", "https://spam.example"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body, r#""Visible""#,
        "answered as a real comment would be"
    );
    // Without JavaScript too: back to the page as after any comment.
    let reply = reader
        .submit(
            "comments/add",
            "/posts/bait",
            &[("slug", "bait"), ("body", spam), ("website", "x")],
        )
        .await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    assert!(!reply.location.unwrap_or_default().contains("__err"));
    assert!(
        comments_on(&pool, "bait").await.is_empty(),
        "nothing stored"
    );

    let mut visitor = Browser::new(&server);
    let reply = visitor
        .call(
            "contact",
            &[
                ("name", "Bot"),
                ("email", "bot@spam.example"),
                ("phone", ""),
                ("message", spam),
                ("website", "https://spam.example"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let inbox = admin.call("admin/messages", &[]).await;
    assert_eq!(inbox.body, "[]", "no message kept");

    let mut bot = Browser::new(&server);
    let reply = bot
        .call(
            "register",
            &[
                ("name", "Bot"),
                ("email", "bot@spam.example"),
                ("password", PASSWORD),
                ("website", "https://spam.example"),
            ],
        )
        .await;
    assert!(reply.status < 400, "{} {}", reply.status, reply.body);
    assert!(bot.whoami().await.is_null(), "not logged in");
    let users = admin.call("admin/users", &[]).await;
    assert!(!users.body.contains("bot@spam.example"), "no account made");
    assert!(
        bot.login("bot@spam.example", PASSWORD).await.status >= 400,
        "no account to log in to"
    );

    // One warning per dropped submission, naming the form and nothing that was typed.
    let log = server.log();
    let warnings: Vec<&str> = log.lines().filter(|l| l.contains("honeypot")).collect();
    assert_eq!(warnings.len(), 4, "{log}");
    for (line, form) in warnings
        .iter()
        .zip(["comment", "comment", "contact", "register"])
    {
        assert!(line.contains("WARN") && line.contains(form), "{line}");
    }
    assert!(
        !log.contains("spam.example") && !log.contains("cheap watches"),
        "{log}"
    );

    // An empty honeypot — what people send — changes nothing.
    let reply = reader
        .call(
            "comments/add",
            &[
                ("slug", "bait"),
                ("body", "A real comment"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(comments_on(&pool, "bait").await.len(), 1);
}

async fn every_form_with_a_honeypot_hides_it_from_people(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.publish("Forms", "x").await;
    let mut visitor = Browser::new(&server);
    for (who, browser, path) in [
        ("visitor", &mut visitor, "/register"),
        ("visitor", &mut Browser::new(&server), "/contact"),
        ("reader", &mut reader, "/posts/forms"),
    ] {
        let page = browser.page(path).await.body;
        let at = page
            .find(r#"name="website""#)
            .unwrap_or_else(|| panic!("{path} as {who} has no honeypot: {page}"));
        let open = page[..at].rfind('<').unwrap();
        let input = &page[open..at + page[at..].find('>').unwrap()];
        for wanted in [
            r#"type="text""#,
            r#"tabindex="-1""#,
            r#"autocomplete="off""#,
        ] {
            assert!(input.contains(wanted), "{path}: {wanted} in {input}");
        }
        let wrapper = &page[page[..open].rfind("<div").unwrap()..open];
        assert!(
            wrapper.contains(r#"class="hp-field""#) && wrapper.contains(r#"aria-hidden="true""#),
            "{path}: {wrapper}"
        );
        assert!(
            !page.contains(r#"for="field-website""#) && !page.contains("id=\"field-website\""),
            "{path}: no label points at it"
        );
    }
    let css =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../style/main.css")).unwrap();
    let rule = &css[css.find(".hp-field {").expect("the honeypot's CSS rule")..];
    let rule = &rule[..rule.find('}').unwrap()];
    assert!(
        rule.contains("position: absolute") && rule.contains("left: -10000px"),
        "moved off-screen: {rule}"
    );
}
