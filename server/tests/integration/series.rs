//! Series: posts named as parts of one in the editor, each "Part 2 of 3" with links to the
//! parts around it, and a page listing the published parts in order.

use crate::support::{both, count, Browser, TestDb, TestServer};

const PASSWORD: &str = "correct horse battery";

both!(
    parts_link_to_each_other_in_order,
    parts_move_and_leave,
    series_fields_are_checked_and_kept_on_a_mistake,
);

async fn write(
    admin: &mut Browser<'_>,
    title: &str,
    series: &str,
    part: &str,
    status: &str,
) -> u16 {
    admin
        .call(
            "posts/create",
            &[
                ("title", title),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "Words."),
                ("status", status),
                ("series", series),
                ("part", part),
            ],
        )
        .await
        .status
}

async fn admin(server: &TestServer) -> Browser<'_> {
    let mut admin = Browser::new(server);
    admin.register("Admin", "admin@example.com", PASSWORD).await;
    admin
}

async fn parts_link_to_each_other_in_order(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = admin(&server).await;
    // Written out of order: the parts' numbers decide; one with none goes last.
    assert!(
        write(
            &mut admin,
            "Lifetimes",
            "Rust from scratch",
            "2",
            "published"
        )
        .await
            < 400
    );
    assert!(
        write(
            &mut admin,
            "Ownership",
            "Rust from scratch",
            "1",
            "published"
        )
        .await
            < 400
    );
    assert!(write(&mut admin, "Traits", "Rust from scratch", "", "published").await < 400);
    assert!(write(&mut admin, "Macros", "Rust from scratch", "", "draft").await < 400);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM series").await, 1);
    assert_eq!(
        count(
            &db,
            "SELECT series_position FROM posts WHERE slug = 'traits'"
        )
        .await,
        3
    );

    let reader = &mut Browser::new(&server);
    let page = reader.page("/posts/lifetimes").await.body;
    assert!(
        page.contains("Part 2 of 3 in "),
        "the draft does not count: {page}"
    );
    assert!(
        page.contains(r#"<a href="/series/rust-from-scratch">Rust from scratch</a>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="/posts/ownership" rel="prev">Previous: Ownership</a>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="/posts/traits" rel="next">Next: Traits</a>"#),
        "{page}"
    );
    let first = reader.page("/posts/ownership").await.body;
    assert!(
        first.contains("Part 1 of 3") && !first.contains("rel=\"prev\""),
        "{first}"
    );

    let series = reader.page("/series/rust-from-scratch").await;
    assert_eq!(series.status, 200);
    let body = series.body;
    let at = |t: &str| body.find(t).unwrap_or_else(|| panic!("{t}: {body}"));
    assert!(at(">Ownership<") < at(">Lifetimes<") && at(">Lifetimes<") < at(">Traits<"));
    assert!(!body.contains("Macros"), "drafts are not listed");
    assert_eq!(reader.page("/series/nothing-here").await.status, 404);
    // A post in no series says nothing of one.
    assert!(admin.publish("Alone", "By itself.").await.status < 400);
    assert!(!reader
        .page("/posts/alone")
        .await
        .body
        .contains("series-links"));
}

async fn parts_move_and_leave(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = admin(&server).await;
    for (title, part) in [("One", "1"), ("Two", "2"), ("Three", "3")] {
        assert!(write(&mut admin, title, "Trilogy", part, "published").await < 400);
    }
    let update =
        |title: &'static str, slug: &'static str, series: &'static str, part: &'static str| {
            vec![
                ("slug", slug),
                ("title", title),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "Words."),
                ("status", "published"),
                ("series", series),
                ("part", part),
            ]
        };
    // "Three" becomes the opening part; an edit that leaves "Part" empty keeps the place.
    assert!(
        admin
            .call("posts/update", &update("Three", "three", "Trilogy", "0"))
            .await
            .status
            == 422
    );
    assert!(
        admin
            .call("posts/update", &update("Three", "three", "Trilogy", "",))
            .await
            .status
            < 400
    );
    assert_eq!(
        count(
            &db,
            "SELECT series_position FROM posts WHERE slug = 'three'"
        )
        .await,
        3
    );
    let editor = admin.page("/posts/three/edit").await.body;
    assert!(
        editor.contains(r#"name="series""#) && editor.contains(r#"value="Trilogy""#),
        "{editor}"
    );
    // Moved to the front: the parts from there on move up one.
    let mut moved = update("Three", "three", "Trilogy", "1");
    moved.push(("revision", ""));
    assert!(admin.call("posts/update", &moved).await.status < 400);
    let reader = &mut Browser::new(&server);
    let page = reader.page("/posts/three").await.body;
    assert!(page.contains("Part 1 of 3"), "{page}");
    // Out of the series: the others close up.
    assert!(
        admin
            .call("posts/update", &update("Two", "two", "", ""))
            .await
            .status
            < 400
    );
    assert!(reader.page("/posts/one").await.body.contains("of 2 in"));
    assert!(!reader
        .page("/posts/two")
        .await
        .body
        .contains("series-links"));
    // Copied whole by copy-data's tables: the series row and the posts' places.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM posts WHERE series_id IS NOT NULL"
        )
        .await,
        2
    );
}

async fn series_fields_are_checked_and_kept_on_a_mistake(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = admin(&server).await;
    let reply = admin
        .call(
            "posts/create",
            &[
                ("title", "Orphan part"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "Kept words."),
                ("series", ""),
                ("part", "2"),
            ],
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert!(reply.body.contains("Name the series"), "{}", reply.body);
    assert!(reply.body.contains("Kept words."), "{}", reply.body);
    assert!(write(&mut admin, "First", "Rust!", "", "published").await < 400);
    // "Rust?" would have the same address as "Rust!".
    let clash = admin
        .call(
            "posts/create",
            &[
                ("title", "Second"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "x"),
                ("series", "Rust?"),
                ("part", ""),
            ],
        )
        .await;
    assert_eq!(clash.status, 409, "{}", clash.body);
    assert!(clash.body.contains("Rust!"), "{}", clash.body);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM posts").await,
        1,
        "nothing half-made"
    );
}
