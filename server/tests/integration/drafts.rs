//! Drafts, scheduled posts and private preview links, set from the editor.

use std::time::Duration;

use chrono::TimeDelta;
use serde_json::Value;

use crate::support::{admin_and_reader, both, Browser, TestDb, TestServer};

both!(
    drafts_stay_private_except_through_their_preview_link,
    a_post_scheduled_in_the_editor_appears_by_itself,
    editing_keeps_a_published_date_and_can_unpublish,
);

async fn get(browser: &mut Browser<'_>, slug: &str, preview: Option<&str>) -> (u16, Value) {
    let mut form = vec![("slug", slug)];
    if let Some(token) = preview {
        form.push(("preview", token));
    }
    let reply = browser.call("posts/get", &form).await;
    (
        reply.status,
        serde_json::from_str(&reply.body).unwrap_or(Value::Null),
    )
}

/// Whether `title` shows on the home page, in the Atom feed, the sitemap (by slug) or search.
async fn listed(server: &TestServer, title: &str, slug: &str) -> [bool; 4] {
    let (_, home) = server.get("/").await;
    let (_, feed) = server.get("/feed.xml").await;
    let (_, sitemap) = server.get("/sitemap.xml").await;
    let found = Browser::new(server)
        .call("search", &[("q", title), ("page", "1")])
        .await
        .body;
    [
        home.contains(title),
        feed.contains(title),
        sitemap.contains(slug),
        found.contains(slug),
    ]
}

async fn drafts_stay_private_except_through_their_preview_link(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    let (status, slug) = admin.create_post("Secret plans", "draft", "", "").await;
    assert!(status < 400 && !slug.is_empty(), "{status}");

    let mut visitor = Browser::new(&server);
    assert_eq!(get(&mut visitor, &slug, None).await.0, 404);
    assert_eq!(get(&mut reader, &slug, None).await.0, 404);
    assert_eq!(visitor.page(&format!("/posts/{slug}")).await.status, 404);
    assert_eq!(listed(&server, "Secret plans", &slug).await, [false; 4]);

    let (status, post) = get(&mut admin, &slug, None).await;
    assert_eq!(status, 200);
    assert_eq!(post["status"], "Draft");
    let link = post["preview_url"]
        .as_str()
        .expect("a preview link")
        .to_owned();
    let token = link.split("?preview=").nth(1).unwrap().to_owned();
    assert_eq!(token.len(), 32, "{link}");
    let page = admin.page(&format!("/posts/{slug}")).await.body;
    assert!(page.contains("This is a draft"), "{page}");
    assert!(page.contains(&token), "the admin sees the link");

    // Whoever has the link sees the post (never indexed), and only the post.
    let (status, shared) = get(&mut visitor, &slug, Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(
        shared["preview_url"],
        Value::Null,
        "the link is not handed on"
    );
    let page = visitor
        .page(&format!("/posts/{slug}?preview={token}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains(r#"<meta name="robots" content="noindex">"#));
    for wrong in ["", "0", &token[..31], &token.to_uppercase()] {
        assert_eq!(
            get(&mut visitor, &slug, Some(wrong)).await.0,
            404,
            "{wrong:?}"
        );
    }
    // A token opens its own post only.
    let (_, other) = admin.create_post("Other plans", "draft", "", "").await;
    assert_eq!(get(&mut visitor, &other, Some(&token)).await.0, 404);

    // Published: everyone sees it, and the link is gone.
    let reply = admin
        .call(
            "posts/update",
            &[
                ("slug", &slug),
                ("title", "Secret plans"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "Words."),
                ("status", "published"),
                ("publish_at", ""),
            ],
        )
        .await;
    assert!(reply.status < 400, "{}", reply.body);
    assert_eq!(get(&mut visitor, &slug, None).await.0, 200);
    assert_eq!(
        get(&mut admin, &slug, None).await.1["preview_url"],
        Value::Null
    );
    assert_eq!(listed(&server, "Secret plans", &slug).await, [true; 4]);
}

async fn a_post_scheduled_in_the_editor_appears_by_itself(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let (status, _) = admin.create_post("Too soon", "scheduled", "", "").await;
    assert_eq!(status, 422, "a schedule needs a time");
    let (status, _) = admin
        .create_post("Too soon", "scheduled", "next tuesday", "")
        .await;
    assert_eq!(status, 422);

    let at = app::db::now() + TimeDelta::seconds(3);
    let when = at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let (status, slug) = admin
        .create_post("Right on cue", "scheduled", &when, "")
        .await;
    assert!(status < 400, "{status}");
    let (_, post) = get(&mut admin, &slug, None).await;
    assert_eq!(post["status"], "Scheduled");
    let editor = admin.page(&format!("/posts/{slug}/edit")).await.body;
    assert!(
        editor.contains(r#"value="scheduled" checked"#),
        "the editor shows the schedule: {editor}"
    );
    assert!(editor.contains(&format!(r#"value="{}""#, &when[..16])));

    let mut visitor = Browser::new(&server);
    assert_eq!(get(&mut visitor, &slug, None).await.0, 404);
    assert_eq!(listed(&server, "Right on cue", &slug).await, [false; 4]);
    let wait = (at - app::db::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(300)).await;
    assert_eq!(get(&mut visitor, &slug, None).await.0, 200);
    assert_eq!(listed(&server, "Right on cue", &slug).await, [true; 4]);
}

async fn editing_keeps_a_published_date_and_can_unpublish(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let (_, slug) = admin.create_post("Steady", "", "", "").await;
    let (_, before) = get(&mut admin, &slug, None).await;
    let update = |status: &'static str| {
        let slug = slug.clone();
        [
            ("slug", slug),
            ("title", "Steady".to_owned()),
            ("subtitle", String::new()),
            ("cover_url", String::new()),
            ("body", "Edited.".to_owned()),
            ("status", status.to_owned()),
            ("publish_at", String::new()),
        ]
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let form = update("published");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(admin.call("posts/update", &form).await.status < 400);
    let (_, after) = get(&mut admin, &slug, None).await;
    assert_eq!(
        after["published_at"], before["published_at"],
        "the date is kept"
    );
    assert_ne!(after["updated_at"], before["updated_at"]);

    let form = update("draft");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(admin.call("posts/update", &form).await.status < 400);
    assert_eq!(get(&mut Browser::new(&server), &slug, None).await.0, 404);
    let (_, draft) = get(&mut admin, &slug, None).await;
    assert_eq!(draft["status"], "Draft");
    assert!(draft["preview_url"].is_string());
}
