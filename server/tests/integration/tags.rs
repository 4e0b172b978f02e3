//! Tags: set in the editor, shown on posts and the home page, a page per tag, a feed per tag.

use roxmltree::Document;

use crate::support::{admin_and_reader, both, Browser, TestDb, TestServer};

both!(
    tags_are_set_in_the_editor_and_shown_everywhere,
    tag_pages_paginate_and_show_published_posts_only,
    each_tag_has_feeds_of_its_own,
);

async fn tags_are_set_in_the_editor_and_shown_everywhere(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let (status, slug) = admin
        .create_post("Tagged", "", "", "Rust, Web  Dev, rust")
        .await;
    assert!(status < 400, "{slug}");

    let mut visitor = Browser::new(&server);
    let page = visitor.page(&format!("/posts/{slug}")).await.body;
    assert!(
        page.contains(r#"<ul aria-label="Tags" class="tags">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="/tags/rust" rel="tag">Rust</a>"#),
        "{page}"
    );
    assert!(page.contains(r#"<a href="/tags/web-dev" rel="tag">Web Dev</a>"#));
    let home = visitor.page("/").await.body;
    assert!(
        home.contains(r#"<a href="/tags/web-dev" rel="tag">Web Dev</a>"#),
        "{home}"
    );
    let draft = admin.call("posts/draft", &[("slug", &slug)]).await.body;
    assert!(draft.contains(r#""tags":"Rust, Web Dev""#), "{draft}");

    let tag_page = visitor.page("/tags/web-dev").await;
    assert_eq!(tag_page.status, 200);
    assert!(tag_page.body.contains("Posts tagged “Web Dev”"));
    assert!(tag_page.body.contains(&format!(r#"href="/posts/{slug}""#)));

    // Retagging drops the old tag from the post; its page stays, empty.
    let reply = admin
        .call(
            "posts/update",
            &[
                ("slug", &slug),
                ("title", "Tagged"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "Words."),
                ("tags", "Rust"),
            ],
        )
        .await;
    assert!(reply.status < 400, "{}", reply.body);
    let tag_page = visitor.page("/tags/web-dev").await.body;
    assert!(!tag_page.contains(&format!(r#"href="/posts/{slug}""#)));
    assert!(visitor
        .page("/tags/rust")
        .await
        .body
        .contains(&format!(r#"href="/posts/{slug}""#)));

    // Bad lists are field errors, and keep what was typed.
    let eleven: Vec<String> = (0..11).map(|n| format!("t{n}")).collect();
    for bad in [eleven.join(", "), "!!!, ok".to_owned(), "x".repeat(41)] {
        let reply = admin
            .call(
                "posts/create",
                &[
                    ("title", "Badly tagged"),
                    ("subtitle", ""),
                    ("cover_url", ""),
                    ("body", "x"),
                    ("tags", &bad),
                ],
            )
            .await;
        assert_eq!(reply.status, 422, "{bad}");
        assert_eq!(reply.invalid_fields(), ["tags"], "{bad}");
        assert!(reply.body.contains(&bad[..5]), "echoed");
    }
}

async fn tag_pages_paginate_and_show_published_posts_only(db: TestDb) {
    let server = TestServer::start_with(&db, &[("QUIRE_PAGE_SIZE", "2")]).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    for n in 1..=3 {
        admin
            .create_post(&format!("Lamp {n}"), "", "", "lamp")
            .await;
    }
    admin.create_post("Lamp draft", "draft", "", "lamp").await;
    admin.create_post("Untagged", "", "", "").await;
    let mut visitor = Browser::new(&server);

    let first = visitor.page("/tags/lamp").await.body;
    assert!(first.contains("Lamp 3") && first.contains("Lamp 2") && !first.contains("Lamp 1"));
    assert!(first.contains(r#"href="/tags/lamp?page=2""#), "{first}");
    let second = visitor.page("/tags/lamp?page=2").await.body;
    assert!(second.contains("Lamp 1") && !second.contains("Lamp 2"));
    assert!(second.contains(r#"href="/tags/lamp""#));
    for page in [&first, &second] {
        assert!(!page.contains("Lamp draft") && !page.contains("Untagged"));
    }
    let listed: serde_json::Value = serde_json::from_str(
        &visitor
            .call("tags/posts", &[("tag", "lamp"), ("page", "1")])
            .await
            .body,
    )
    .unwrap();
    assert_eq!(listed["tag"]["name"], "lamp");
    assert_eq!(listed["posts"]["has_older"], true);

    for missing in [
        "/tags/nope",
        "/tags/Lamp",
        "/tags/%3Cscript%3E",
        "/tags/a--b",
    ] {
        let page = visitor.page(missing).await;
        assert_eq!(page.status, 404, "{missing}");
        assert!(page.body.contains("Page not found"), "{missing}");
    }
}

async fn each_tag_has_feeds_of_its_own(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    admin.create_post("About owls", "", "", "Birds, Owls").await;
    admin.create_post("About cats", "", "", "Cats").await;
    admin.create_post("Secret owl", "draft", "", "Owls").await;

    let (status, atom) = server.get("/tags/owls/feed.xml").await;
    assert_eq!(status, 200);
    let doc = Document::parse(&atom).expect("well-formed Atom");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "title")
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(titles, ["Quire: Owls", "About owls"]);
    assert!(atom.contains(&format!(r#"href="{}/tags/owls/feed.xml""#, server.base)));

    let (status, rss) = server.get("/tags/cats/rss.xml").await;
    assert_eq!(status, 200);
    let doc = Document::parse(&rss).expect("well-formed RSS");
    let items = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "item")
        .count();
    assert_eq!(items, 1);
    assert!(rss.contains("<title>About cats</title>"));

    assert_eq!(server.get("/tags/nope/feed.xml").await.0, 404);
    assert_eq!(server.get("/tags/%3Cb%3E/rss.xml").await.0, 404);
    let page = Browser::new(&server).page("/tags/owls").await.body;
    assert!(page.contains(r#"href="/tags/owls/feed.xml""#), "{page}");
}
