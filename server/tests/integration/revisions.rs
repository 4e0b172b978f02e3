//! Revisions: every save keeps one (who, when, the fields), the editor lists them, compares
//! one with the post as it is and restores it as a new one; only the newest are kept.

use crate::support::{admin_and_reader, both, count, Browser, TestDb, TestServer};

both!(
    every_save_keeps_a_revision_that_can_be_compared_and_restored,
    a_post_keeps_only_its_newest_revisions,
);

fn save<'a>(
    revision: &'a str,
    title: &'a str,
    body: &'a str,
    tags: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", "field-notes"),
        ("revision", revision),
        ("title", title),
        ("subtitle", ""),
        ("cover_url", ""),
        ("tags", tags),
        ("body", body),
        ("status", "published"),
        ("publish_at", ""),
    ]
}

async fn saved(b: &mut Browser<'_>, form: &[(&str, &str)]) {
    let reply = b.call("posts/update", form).await;
    assert!(reply.status < 400, "{}", reply.body);
}

async fn every_save_keeps_a_revision_that_can_be_compared_and_restored(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    assert!(admin.publish("Field notes", "Day one.\nRain.").await.status < 400);
    saved(
        &mut admin,
        &save("1", "Field notes", "Day one.\nSun at last.", "Weather"),
    )
    .await;
    saved(
        &mut admin,
        &save(
            "2",
            "Field notes, revised",
            "Day one.\nSun at last.\nDay two.",
            "Weather, Travel",
        ),
    )
    .await;

    let list = admin.page("/posts/field-notes/revisions").await;
    assert_eq!(list.status, 200);
    for expected in [
        "Revisions of “Field notes, revised”",
        "3 (current)",
        "by Admin",
        r#"href="/posts/field-notes/revisions/1""#,
        r#"href="/posts/field-notes/revisions/2""#,
    ] {
        assert!(list.body.contains(expected), "{expected}: {}", list.body);
    }
    assert!(
        !list
            .body
            .contains(r#"href="/posts/field-notes/revisions/3""#),
        "the current one is not compared with itself"
    );
    assert!(admin
        .page("/posts/field-notes/edit")
        .await
        .body
        .contains("this is revision 3"));

    // Revision 1 beside the post as it is: the changed lines, title and tags.
    let page = admin.page("/posts/field-notes/revisions/1").await.body;
    assert!(page.contains("<del>− Rain.\n</del>"), "{page}");
    assert!(page.contains("<ins>+ Sun at last.\n</ins>"), "{page}");
    assert!(page.contains("<ins>+ Day two.\n</ins>"), "{page}");
    assert!(
        page.contains("Travel, Weather"),
        "tags as the editor shows them: {page}"
    );
    assert!(page.contains("Restore revision 1"), "{page}");
    assert!(page.contains("(none)</em></del>"), "no tags then: {page}");

    // Restoring from a comparison the post has moved past is refused; from the current one
    // it is a fourth revision with the first one's text, the post still published.
    let stale = admin
        .call(
            "posts/revisions/restore",
            &[("slug", "field-notes"), ("number", "1"), ("revision", "2")],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    let restored = admin
        .submit(
            "posts/revisions/restore",
            "/posts/field-notes/revisions/1",
            &[("slug", "field-notes"), ("number", "1"), ("revision", "3")],
        )
        .await;
    assert_eq!(restored.status, 302, "{}", restored.body);
    assert!(restored.location.unwrap().ends_with("/posts/field-notes"));
    let post = Browser::new(&server).page("/posts/field-notes").await;
    assert_eq!(post.status, 200, "still published");
    assert!(
        post.body.contains("Rain.") && !post.body.contains("Day two."),
        "{}",
        post.body
    );
    assert!(
        post.body.contains("Field notes</h1>") || post.body.contains(">Field notes<"),
        "{}",
        post.body
    );
    let list = admin.page("/posts/field-notes/revisions").await.body;
    assert!(list.contains("4 (current)"), "{list}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM post_revisions").await, 4);

    // Readers and visitors see none of it.
    assert_eq!(
        reader.page("/posts/field-notes/revisions").await.status,
        403
    );
    assert_eq!(
        Browser::new(&server)
            .page("/posts/field-notes/revisions/1")
            .await
            .status,
        401
    );
    assert_eq!(
        admin.page("/posts/field-notes/revisions/99").await.status,
        404
    );
    assert_eq!(
        admin.page("/posts/field-notes/revisions/x").await.status,
        404
    );

    // A deleted post's revisions go with it.
    assert!(
        admin
            .call("posts/delete", &[("slug", "field-notes")])
            .await
            .status
            < 400
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM post_revisions").await, 0);
}

async fn a_post_keeps_only_its_newest_revisions(db: TestDb) {
    let server = TestServer::start_with(&db, &[("QUIRE_REVISIONS_KEPT", "3")]).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    assert!(admin.publish("Field notes", "v1").await.status < 400);
    for n in 1..=4 {
        let (revision, body) = (n.to_string(), format!("v{}", n + 1));
        saved(&mut admin, &save(&revision, "Field notes", &body, "")).await;
    }
    let numbers = count(
        &db,
        "SELECT COUNT(*) FROM post_revisions WHERE number IN (3, 4, 5)",
    )
    .await;
    assert_eq!(
        (
            numbers,
            count(&db, "SELECT COUNT(*) FROM post_revisions").await
        ),
        (3, 3)
    );
    assert_eq!(
        admin.page("/posts/field-notes/revisions/2").await.status,
        404
    );
    assert_eq!(
        admin.page("/posts/field-notes/revisions/3").await.status,
        200
    );
}
