//! Posts and comments over HTTP: writing, reading, permissions, sanitizing.

use app::db::comments::Viewer;
use app::domain::CommentStatus::Visible;

use crate::support::html::active_content;
use crate::support::{admin_and_reader, both, seed, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    the_admin_creates_edits_and_deletes_posts,
    readers_and_visitors_cannot_write_posts,
    a_duplicate_title_is_a_field_error,
    editor_input_is_validated_per_field,
    a_post_page_shows_the_post_and_404s_when_missing,
    old_post_addresses_redirect_to_the_slug,
    hostile_markdown_is_neutralized,
    comments_need_an_account_and_only_author_or_admin_delete,
    hostile_comments_are_neutralized_and_emails_stay_private,
    avatars_are_initials_unless_gravatar_is_on,
);

fn post_form<'a>(title: &'a str, body: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("title", title),
        ("subtitle", "A subtitle"),
        ("cover_url", "https://img.example/c.jpg"),
        ("body", body),
    ]
}

async fn the_admin_creates_edits_and_deletes_posts(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let created = admin
        .submit(
            "posts/create",
            "/admin/posts/new",
            &post_form("My First Post", "Hello **world**"),
        )
        .await;
    assert_eq!(created.status, 302, "{}", created.body);
    assert_eq!(created.location.as_deref(), Some("/posts/my-first-post"));

    let page = admin.page("/posts/my-first-post").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<strong>world</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("https://img.example/c.jpg") && page.body.contains("A subtitle"));
    assert!(page.body.contains("Edit post") && page.body.contains("Delete post"));
    let home = admin.page("/").await.body;
    assert!(
        home.contains("My First Post") && home.contains(r#"src="https://img.example/c.jpg""#),
        "cover on the home page"
    );
    // Sized (the stylesheet gives it a fixed box) and lazy, so nothing moves as it loads.
    assert!(
        home.contains(
            r#"src="https://img.example/c.jpg" alt="" width="720" height="240" loading="lazy""#
        ),
        "{home}"
    );

    // Editing keeps the address, even when the title changes.
    let edited = admin
        .call(
            "posts/update",
            &[
                ("slug", "my-first-post"),
                ("title", "A Better Title"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "Edited."),
            ],
        )
        .await;
    assert!(edited.status < 400, "{}", edited.body);
    let page = admin.page("/posts/my-first-post").await.body;
    assert!(
        page.contains("A Better Title")
            && page.contains("Edited.")
            && !page.contains("img.example")
    );

    let deleted = admin
        .call("posts/delete", &[("slug", "my-first-post")])
        .await;
    assert!(deleted.status < 400, "{}", deleted.body);
    assert_eq!(admin.page("/posts/my-first-post").await.status, 404);
    assert_eq!(
        admin
            .call("posts/delete", &[("slug", "my-first-post")])
            .await
            .status,
        404
    );
}

async fn readers_and_visitors_cannot_write_posts(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.call("posts/create", &post_form("Kept", "Body")).await;
    let mut visitor = Browser::new(&server);
    let update = [
        ("slug", "kept"),
        ("title", "Defaced"),
        ("subtitle", ""),
        ("cover_url", ""),
        ("body", "x"),
    ];
    for (who, browser, status) in [("visitor", &mut visitor, 401), ("reader", &mut reader, 403)] {
        for (endpoint, args) in [
            ("posts/create", &post_form("Sneaky", "x")[..]),
            ("posts/update", &update[..]),
            ("posts/delete", &[("slug", "kept")][..]),
            ("posts/draft", &[("slug", "kept")][..]),
            ("posts/preview", &[("body", "x")][..]),
        ] {
            let reply = browser.call(endpoint, args).await;
            assert_eq!(reply.status, status, "{endpoint} as {who}: {}", reply.body);
        }
        assert_eq!(
            browser.page("/admin/posts/new").await.status,
            status,
            "editor page as {who}"
        );
        assert_eq!(
            browser.page("/posts/kept/edit").await.status,
            status,
            "edit page as {who}"
        );
    }
    let page = visitor.page("/posts/kept").await.body;
    assert!(page.contains("Kept") && !page.contains("Defaced") && !page.contains("Edit post"));
}

async fn a_duplicate_title_is_a_field_error(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    admin.call("posts/create", &post_form("Taken", "x")).await;
    let again = admin
        .call("posts/create", &post_form("Taken", "typed text kept"))
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(
        again.body.contains(r#""field":"title""#) && again.body.contains("typed text kept"),
        "{}",
        again.body
    );
    admin.call("posts/create", &post_form("Other", "x")).await;
    let rename = admin
        .call(
            "posts/update",
            &[
                ("slug", "other"),
                ("title", "Taken"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(rename.status, 409, "{}", rename.body);
}

async fn editor_input_is_validated_per_field(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let long = "t".repeat(201);
    let reply = admin
        .call(
            "posts/create",
            &[
                ("title", &long),
                ("subtitle", "ok"),
                ("cover_url", "javascript:alert(1)"),
                ("body", "  "),
            ],
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.invalid_fields(), ["title", "cover_url", "body"]);

    // Without JavaScript the form comes back with the errors and the typed text.
    let back = admin
        .submit(
            "posts/create",
            "/admin/posts/new",
            &[
                ("title", "Fine"),
                ("subtitle", "Sub <b>"),
                ("cover_url", "ftp://x"),
                ("body", "kept body"),
            ],
        )
        .await;
    assert_eq!(back.status, 302);
    let page = admin
        .page(back.location.unwrap().trim_start_matches(&server.base))
        .await
        .body;
    assert!(
        page.contains("Use an address starting with https://"),
        "{page}"
    );
    assert!(
        page.contains(r#"value="Sub &lt;b&gt;""#) && page.contains("kept body"),
        "{page}"
    );
}

async fn a_post_page_shows_the_post_and_404s_when_missing(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada Lovelace").await;
    seed::post(&pool, ada, "Visible", seed::days_ago(1)).await;
    seed::post(&pool, ada, "Draft only", None).await;
    let server = TestServer::start(&db).await;
    let mut visitor = Browser::new(&server);
    let page = visitor.page("/posts/visible").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<h1>Visible</h1>")
            && page.body.contains("Ada Lovelace")
            && page.body.contains("<title>Visible · Quire</title>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("You need to") && page.body.contains(r#"href="/login""#));
    for missing in ["/posts/nope", "/posts/draft-only", "/posts/..%2F..%2Fetc"] {
        let reply = visitor.page(missing).await;
        assert_eq!(reply.status, 404, "{missing}");
        assert!(reply.body.contains("Page not found"), "{missing}");
    }
}

async fn old_post_addresses_redirect_to_the_slug(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "From Flask", seed::days_ago(1)).await;
    let id = app::db::posts::by_slug(&pool, "from-flask")
        .await
        .unwrap()
        .unwrap()
        .id;
    let server = TestServer::start(&db).await;
    let reply = server
        .client
        .get(server.url(&format!("/post/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 308, "permanent");
    assert_eq!(reply.headers()["location"], "/posts/from-flask");
    for bad in ["/post/999999", "/post/abc"] {
        let (status, body) = server.get(bad).await;
        assert_eq!(status, 404, "{bad}: {body}");
        assert!(body.contains("Page not found"));
    }
}

async fn hostile_markdown_is_neutralized(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let body = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n<svg onload=alert(4)>\n\n**fine**";
    admin
        .call(
            "posts/create",
            &[
                ("title", "<b onmouseover=alert(5)>Hostile</b>"),
                ("subtitle", "<script>alert(6)</script>"),
                ("cover_url", ""),
                ("body", body),
            ],
        )
        .await;
    let page = Browser::new(&server)
        .page("/posts/b-onmouseover-alert-5-hostile-b")
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let html = page.body.to_lowercase();
    for bad in [
        "<script>alert",
        "onerror=",
        "javascript:alert",
        "<svg",
        "<b onmouseover",
    ] {
        assert!(!html.contains(bad), "{bad} survived");
    }
    assert_eq!(active_content(&page.body), Vec::<String>::new());
    assert!(page.body.contains("<strong>fine</strong>"));
    assert!(
        page.body
            .contains("&lt;b onmouseover=alert(5)&gt;Hostile&lt;/b&gt;"),
        "title shown as text"
    );

    // A title that tries to close <title> early.
    admin
        .call(
            "posts/create",
            &[
                ("title", "</title><script>alert(7)</script>"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "x"),
            ],
        )
        .await;
    let page = Browser::new(&server)
        .page("/posts/title-script-alert-7-script")
        .await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>alert(7)"), "{}", page.body);
    assert!(
        page.body
            .contains("<title>&lt;/title&gt;&lt;script&gt;alert(7)&lt;/script&gt; · Quire</title>"),
        "{}",
        page.body
    );
}

async fn comments_need_an_account_and_only_author_or_admin_delete(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.call("posts/create", &post_form("Talk", "x")).await;
    let mut visitor = Browser::new(&server);
    assert_eq!(
        visitor
            .call("comments/add", &[("slug", "talk"), ("body", "anon")])
            .await
            .status,
        401
    );
    assert_eq!(
        reader
            .call("comments/add", &[("slug", "talk"), ("body", "  ")])
            .await
            .status,
        422
    );
    assert_eq!(
        reader
            .call("comments/add", &[("slug", "missing"), ("body", "hi")])
            .await
            .status,
        404
    );
    assert_eq!(
        reader
            .call(
                "comments/add",
                &[("slug", "talk"), ("body", "First *comment*")]
            )
            .await
            .status,
        200
    );
    admin
        .call("comments/add", &[("slug", "talk"), ("body", "Admin reply")])
        .await;

    let page = reader.page("/posts/talk").await.body;
    assert!(
        page.contains("<em>comment</em>")
            && page.contains("Admin reply")
            && page.contains("2 comments")
    );
    assert!(
        page.contains(r#"aria-label="Delete comment""#),
        "the reader may delete their own"
    );

    let pool = db.connect().await;
    let post = app::db::posts::by_slug(&pool, "talk")
        .await
        .unwrap()
        .unwrap();
    let comments = app::db::comments::page_for_post(&pool, post.id, Viewer::Moderator, 1)
        .await
        .unwrap()
        .comments;
    let (readers, admins) = (comments[0].id.to_string(), comments[1].id.to_string());
    let mut other = Browser::new(&server);
    other.register("Other", "other@example.com", PASSWORD).await;
    assert_eq!(
        other
            .call("comments/delete", &[("id", &readers)])
            .await
            .status,
        403,
        "not theirs"
    );
    assert_eq!(
        visitor
            .call("comments/delete", &[("id", &readers)])
            .await
            .status,
        401
    );
    assert_eq!(
        reader
            .call("comments/delete", &[("id", &admins)])
            .await
            .status,
        403
    );
    assert_eq!(
        reader
            .call("comments/delete", &[("id", &readers)])
            .await
            .status,
        200
    );
    assert_eq!(
        admin
            .call("comments/delete", &[("id", &readers)])
            .await
            .status,
        404,
        "gone already"
    );
    admin
        .call("comments/add", &[("slug", "talk"), ("body", "again")])
        .await;
    let latest = app::db::comments::page_for_post(&pool, post.id, Viewer::Moderator, 1)
        .await
        .unwrap()
        .comments
        .last()
        .unwrap()
        .id
        .to_string();
    let reader_comment = reader
        .call(
            "comments/add",
            &[("slug", "talk"), ("body", "to be moderated")],
        )
        .await;
    assert_eq!(reader_comment.status, 200);
    let moderated = app::db::comments::page_for_post(&pool, post.id, Viewer::Moderator, 1)
        .await
        .unwrap()
        .comments
        .last()
        .unwrap()
        .id
        .to_string();
    assert_ne!(latest, moderated);
    assert_eq!(
        admin
            .call("comments/delete", &[("id", &moderated)])
            .await
            .status,
        200,
        "the admin deletes anyone's"
    );
}

async fn avatars_are_initials_unless_gravatar_is_on(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.call("posts/create", &post_form("Faces", "x")).await;
    reader
        .call("comments/add", &[("slug", "faces"), ("body", "Hello")])
        .await;
    let page = Browser::new(&server).page("/posts/faces").await.body;
    assert!(
        page.contains(r#"class="avatar avatar-initial avatar-tone-"#),
        "{page}"
    );
    assert!(!page.contains("gravatar.com"), "no request leaves the blog");
}

async fn hostile_comments_are_neutralized_and_emails_stay_private(db: TestDb) {
    // Gravatar on: the page carries a hash of the email, never the email.
    let server = TestServer::start_with(&db, &[("QUIRE_GRAVATAR", "true")]).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    admin.call("posts/create", &post_form("Open", "x")).await;
    reader
        .call("comments/add", &[("slug", "open"), ("body", "<img src=x onerror=alert(1)> [x](javascript:alert(2)) <a href=\"https://ok.example\">ok</a>")])
        .await;
    let page = Browser::new(&server).page("/posts/open").await.body;
    let lower = page.to_lowercase();
    assert!(!lower.contains("javascript:alert"), "{page}");
    assert_eq!(active_content(&page), Vec::<String>::new());
    assert!(page.contains(r#"rel="nofollow ugc noopener""#), "{page}");
    assert!(
        page.contains("https://www.gravatar.com/avatar/") && page.contains("d=retro&amp;s=100"),
        "{page}"
    );
    assert!(
        !page.contains("reader@example.com"),
        "the commenter's email is not on the page"
    );
}

both!(pages_issue_a_constant_number_of_queries);

/// Counts the statements the server logs (sqlx logs each one at debug level) while `path`
/// is served; the settings a new pooled connection applies (PRAGMA) are not counted.
async fn queries_for(server: &TestServer, path: &str) -> usize {
    let count = || {
        server
            .log()
            .lines()
            .filter(|l| l.contains("sqlx::query") && !l.to_uppercase().contains("PRAGMA"))
            .count()
    };
    // Let anything still running from start-up settle.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before = count();
    let (status, _) = server.get(path).await;
    assert_eq!(status, 200, "{path}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    count() - before
}

async fn pages_issue_a_constant_number_of_queries(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let slug = seed::post(&pool, ada, "Busy post", seed::days_ago(1)).await;
    let post = app::db::posts::by_slug(&pool, &slug)
        .await
        .unwrap()
        .unwrap();
    app::db::comments::create(&pool, &slug, ada, "first", Visible, None)
        .await
        .unwrap();
    let server = TestServer::start_with(&db, &[("RUST_LOG", "info,sqlx::query=debug")]).await;
    let (home_few, post_few) = (
        queries_for(&server, "/").await,
        queries_for(&server, &format!("/posts/{slug}")).await,
    );

    for n in 0..30 {
        let author = seed::author(&pool, &format!("Writer {n}")).await;
        seed::post(&pool, author, &format!("Filler {n}"), seed::days_ago(2)).await;
        app::db::comments::create(&pool, &slug, author, &format!("comment {n}"), Visible, None)
            .await
            .unwrap();
    }
    assert_eq!(
        app::db::comments::page_for_post(&pool, post.id, Viewer::Moderator, 1)
            .await
            .unwrap()
            .comments
            .len(),
        31
    );
    let (home_many, post_many) = (
        queries_for(&server, "/").await,
        queries_for(&server, &format!("/posts/{slug}")).await,
    );
    assert!(home_few > 0 && post_few > 0, "statements are being counted");
    assert_eq!(home_few, home_many, "home page: 1 post vs 30");
    assert_eq!(
        post_few, post_many,
        "post page: 1 comment vs 31 by 31 authors"
    );
}

both!(seed_demo_fills_an_empty_blog_once);

async fn seed_demo_fills_an_empty_blog_once(db: TestDb) {
    let seed = || {
        crate::support::server::quire()
            .current_dir(db.dir.path())
            .env("DATABASE_URL", &db.url)
            .arg("seed-demo")
            .output()
            .unwrap()
    };
    let first = seed();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let again = seed();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("only fills an empty blog"));

    let server = TestServer::start(&db).await;
    let (_, home) = server.get("/").await;
    for title in [
        "The Life of Cactus",
        "Moving a Blog from SQLite to PostgreSQL",
        "Hello, World",
    ] {
        assert!(home.contains(title), "{title}");
    }
    let (status, post) = server.get("/posts/the-life-of-cactus").await;
    assert_eq!(status, 200);
    assert!(
        post.contains("<strong>succulents</strong>")
            && post.contains("2 comments")
            && post.contains("Rory Reader")
    );
}
