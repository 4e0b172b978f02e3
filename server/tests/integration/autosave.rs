//! Work that is never lost: the editor's draft copies (kept, offered back, restored,
//! discarded, gone once saved) and saves refused when someone saved the post meanwhile.

use crate::support::{admin_and_reader, both, execute, Browser, TestDb, TestServer};

both!(
    a_save_from_a_stale_revision_is_refused_showing_the_difference,
    a_draft_copy_is_offered_back_restored_and_gone_once_saved,
    a_draft_copy_of_a_post_is_discarded_and_goes_with_the_post,
    authors_and_contributors_keep_copies_of_their_own_posts_only,
);

const PASSWORD: &str = "correct horse battery";

/// A second admin, Bob, logged in.
async fn second_admin<'a>(server: &'a TestServer, db: &TestDb) -> Browser<'a> {
    let mut bob = Browser::new(server);
    bob.register("Bob", "bob@example.com", PASSWORD).await;
    execute(
        db,
        "UPDATE users SET role = 'admin' WHERE email = 'bob@example.com'",
    )
    .await;
    bob
}

/// The `value` of the hidden `revision` field on an editor page.
fn revision_on(page: &str) -> String {
    let at = page.find(r#"name="revision""#).expect("a revision field");
    let tag_start = page[..at].rfind('<').unwrap();
    let tag = &page[tag_start..tag_start + page[tag_start..].find('>').unwrap()];
    let value = tag.split(r#"value=""#).nth(1).expect("a value");
    value[..value.find('"').unwrap()].to_owned()
}

fn edit_form<'a>(revision: &'a str, title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", "shared-notes"),
        ("revision", revision),
        ("title", title),
        ("subtitle", ""),
        ("cover_url", ""),
        ("tags", ""),
        ("body", body),
        ("status", "published"),
        ("publish_at", ""),
    ]
}

async fn a_save_from_a_stale_revision_is_refused_showing_the_difference(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut ada, _) = admin_and_reader(&server).await;
    let mut bob = second_admin(&server, &db).await;
    let body = "First line.\nSecond line.\nThird line.";
    assert!(ada.publish("Shared notes", body).await.status < 400);

    // Both open the editor at revision 1.
    let page = ada.page("/posts/shared-notes/edit").await.body;
    assert_eq!(revision_on(&page), "1");
    assert_eq!(
        revision_on(&bob.page("/posts/shared-notes/edit").await.body),
        "1"
    );

    let bobs = "First line.\nSecond line, as Bob has it.\nThird line.";
    let saved = bob
        .submit(
            "posts/update",
            "/posts/shared-notes/edit",
            &edit_form("1", "Shared notes", bobs),
        )
        .await;
    assert_eq!(saved.status, 302);
    assert!(saved.location.unwrap().ends_with("/posts/shared-notes"));

    // Ada's save, from revision 1, is refused: back to the editor with her text.
    let adas = "First line.\nSecond line, as Ada has it.\nThird line.";
    let form = edit_form("1", "Shared notes, by Ada", adas);
    let refused = ada.call("posts/update", &form).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    let back = ada
        .submit("posts/update", "/posts/shared-notes/edit", &form)
        .await;
    let location = back.location.expect("back to the editor");
    assert!(location.contains("/posts/shared-notes/edit"), "{location}");
    let page = ada
        .page(location.trim_start_matches(&server.base))
        .await
        .body;
    assert!(page.contains("Bob saved this post at"), "{page}");
    assert!(
        page.contains("Second line, as Ada has it."),
        "her text is kept"
    );
    assert!(
        page.contains("<del>− Second line, as Bob has it.\n</del>"),
        "{page}"
    );
    assert!(
        page.contains("<ins>+ Second line, as Ada has it.\n</ins>"),
        "{page}"
    );
    assert!(
        page.contains("Shared notes, by Ada"),
        "the changed title is shown"
    );
    // The echoed revision is the post's now: saving again replaces Bob's text on purpose.
    assert_eq!(revision_on(&page), "2");
    let post = ada.page("/posts/shared-notes").await.body;
    assert!(post.contains("as Bob has it") && !post.contains("as Ada has it"));

    let again = ada
        .submit(
            "posts/update",
            "/posts/shared-notes/edit",
            &edit_form("2", "Shared notes, by Ada", adas),
        )
        .await;
    assert_eq!(again.status, 302);
    assert!(again.location.unwrap().ends_with("/posts/shared-notes"));
    let post = ada.page("/posts/shared-notes").await.body;
    assert!(post.contains("as Ada has it"), "{post}");
    assert_eq!(
        revision_on(&bob.page("/posts/shared-notes/edit").await.body),
        "3"
    );
}

async fn a_draft_copy_is_offered_back_restored_and_gone_once_saved(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut ada, _) = admin_and_reader(&server).await;
    let mut bob = second_admin(&server, &db).await;
    let fresh = ada.page("/admin/posts/new").await.body;
    assert!(!fresh.contains("Unsaved text"), "nothing to offer yet");

    let copy = [
        ("slug", ""),
        ("revision", ""),
        ("title", "Half a tit"),
        ("subtitle", ""),
        ("cover_url", ""),
        ("tags", "Rust"),
        ("body", "It was a dark and stormy ni"),
    ];
    let kept = ada.call("posts/autosave", &copy).await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    assert!(kept.body.contains("UTC"), "{}", kept.body);

    // The editor offers it back, to Ada alone.
    let page = ada.page("/admin/posts/new").await.body;
    assert!(page.contains("Unsaved text"), "{page}");
    assert!(
        page.contains(r#"href="/admin/posts/new?restore=1""#),
        "{page}"
    );
    assert!(
        !page.contains("It was a dark and stormy ni"),
        "not restored unasked"
    );
    assert!(!bob
        .page("/admin/posts/new")
        .await
        .body
        .contains("Unsaved text"));

    let restored = ada.page("/admin/posts/new?restore=1").await.body;
    assert!(
        restored.contains("It was a dark and stormy ni"),
        "{restored}"
    );
    assert!(restored.contains(r#"value="Half a tit""#), "{restored}");
    assert!(restored.contains("is back in the editor"), "{restored}");

    // Published: the copy is gone.
    let created = ada
        .call(
            "posts/create",
            &[
                ("title", "Half a title"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "It was a dark and stormy night."),
            ],
        )
        .await;
    assert!(created.status < 400, "{}", created.body);
    assert!(!ada
        .page("/admin/posts/new")
        .await
        .body
        .contains("Unsaved text"));
    assert_eq!(
        crate::support::count(&db, "SELECT COUNT(*) FROM post_autosaves").await,
        0
    );

    // Too long for a post: refused, and nothing kept.
    let long = "x".repeat(app::domain::BODY_MAX_CHARS + 1);
    let mut oversized = copy;
    oversized[6] = ("body", &long);
    assert_eq!(ada.call("posts/autosave", &oversized).await.status, 422);
    assert_eq!(
        crate::support::count(&db, "SELECT COUNT(*) FROM post_autosaves").await,
        0
    );
}

async fn a_draft_copy_of_a_post_is_discarded_and_goes_with_the_post(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut ada, _) = admin_and_reader(&server).await;
    assert!(ada.publish("Shared notes", "Saved words.").await.status < 400);
    let mut copy = edit_form("1", "Shared notes", "Saved words, and more being typed");
    copy.truncate(7);
    assert_eq!(ada.call("posts/autosave", &copy).await.status, 200);

    let page = ada.page("/posts/shared-notes/edit").await.body;
    assert!(page.contains("Unsaved text"), "{page}");
    let restored = ada.page("/posts/shared-notes/edit?restore=1").await.body;
    assert!(
        restored.contains("Saved words, and more being typed"),
        "{restored}"
    );
    assert_eq!(
        revision_on(&restored),
        "1",
        "the revision the copy started from"
    );

    // Discarded with the page's own form, without JavaScript: back to the editor, no offer.
    let discarded = ada
        .submit(
            "posts/autosave/discard",
            "/posts/shared-notes/edit",
            &[("slug", "shared-notes")],
        )
        .await;
    assert_eq!(discarded.status, 302);
    assert!(discarded
        .location
        .unwrap()
        .ends_with("/posts/shared-notes/edit"));
    assert!(!ada
        .page("/posts/shared-notes/edit")
        .await
        .body
        .contains("Unsaved text"));

    // A copy of exactly what is saved offers nothing; a copy of a deleted post goes with it.
    let mut same = copy.clone();
    same[6] = ("body", "Saved words.");
    assert_eq!(ada.call("posts/autosave", &same).await.status, 200);
    assert!(!ada
        .page("/posts/shared-notes/edit")
        .await
        .body
        .contains("Unsaved text"));
    assert_eq!(ada.call("posts/autosave", &copy).await.status, 200);
    assert!(
        ada.call("posts/delete", &[("slug", "shared-notes")])
            .await
            .status
            < 400
    );
    assert_eq!(
        crate::support::count(&db, "SELECT COUNT(*) FROM post_autosaves").await,
        0
    );
}

/// Writers of every role keep draft copies of new posts and of the posts they may change;
/// the copy of someone else's post is refused, as its editor is.
async fn authors_and_contributors_keep_copies_of_their_own_posts_only(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut ada, mut reader) = admin_and_reader(&server).await;
    assert!(ada.publish("Admin notes", "Theirs.").await.status < 400);
    for (name, role) in [("Abe", "author"), ("Cara", "contributor")] {
        let email = format!("{}@example.com", name.to_lowercase());
        let mut writer = Browser::new(&server);
        writer.register(name, &email, PASSWORD).await;
        execute(
            &db,
            &format!("UPDATE users SET role = '{role}' WHERE email = '{email}'"),
        )
        .await;
        let copy = |slug: &'static str| {
            [
                ("slug", slug),
                ("revision", ""),
                ("title", "Mid-sentence"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("tags", ""),
                ("body", "The tab closed as I wr"),
            ]
        };
        let kept = writer.call("posts/autosave", &copy("")).await;
        assert_eq!(kept.status, 200, "{role}: {}", kept.body);
        let page = writer.page("/admin/posts/new?restore=1").await.body;
        assert!(page.contains("The tab closed as I wr"), "{role}: {page}");
        let theirs = writer.call("posts/autosave", &copy("admin-notes")).await;
        assert_eq!(theirs.status, 403, "{role}: {}", theirs.body);
    }
    assert_eq!(
        reader
            .call(
                "posts/autosave",
                &[
                    ("slug", ""),
                    ("revision", ""),
                    ("title", "x"),
                    ("subtitle", ""),
                    ("cover_url", ""),
                    ("tags", ""),
                    ("body", "x")
                ]
            )
            .await
            .status,
        403
    );
}
