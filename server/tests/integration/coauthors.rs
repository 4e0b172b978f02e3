//! Co-authors: named in the byline after the author, on each one's author page, in the
//! feeds and the JSON-LD; chosen in the editor by their account emails.

use crate::support::{admin_and_reader, both, count, Browser, TestDb, TestServer};

both!(
    co_authors_are_in_the_byline_on_their_author_pages_and_in_feeds,
    an_address_without_an_account_is_a_field_error_keeping_what_was_typed,
);

const PASSWORD: &str = "correct horse battery";

fn post(coauthors: &str) -> Vec<(&str, &str)> {
    vec![
        ("title", "Written together"),
        ("subtitle", ""),
        ("cover_url", ""),
        ("body", "Words."),
        ("coauthors", coauthors),
    ]
}

async fn co_authors_are_in_the_byline_on_their_author_pages_and_in_feeds(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let mut bob = Browser::new(&server);
    bob.register("Bob", "bob@example.com", PASSWORD).await;
    // The author's own address is left out: they are named first anyway.
    let created = admin
        .call(
            "posts/create",
            &post("Bob@example.com, reader@example.com, admin@example.com"),
        )
        .await;
    assert!(created.status < 400, "{}", created.body);

    let mut visitor = Browser::new(&server);
    let page = visitor.page("/posts/written-together").await.body;
    let byline = r#"Posted by <a href="/authors/1" class="author">Admin</a>, <a href="/authors/3" class="author">Bob</a> and <a href="/authors/2" class="author">Reader</a>"#;
    assert!(page.contains(byline), "{page}");
    assert!(
        page.contains(r#""author":[{"@type":"Person","name":"Admin"},{"@type":"Person","name":"Bob"},{"@type":"Person","name":"Reader"}]"#),
        "JSON-LD names all three: {page}"
    );
    assert!(
        visitor.page("/").await.body.contains(byline),
        "and the home page"
    );
    let bobs = visitor.page("/authors/3").await;
    assert_eq!(bobs.status, 200, "Bob has an author page now");
    assert!(bobs.body.contains("Written together"), "{}", bobs.body);
    let (_, atom) = server.get("/feed.xml").await;
    assert!(atom.contains("<author><name>Admin</name></author>\n<author><name>Bob</name></author>\n<author><name>Reader</name></author>"), "{atom}");
    let (_, rss) = server.get("/rss.xml").await;
    assert!(rss.contains("<dc:creator>Bob</dc:creator>"), "{rss}");

    // The editor shows them by address; one taken out leaves the byline and its page.
    let editor = admin.page("/posts/written-together/edit").await.body;
    assert!(
        editor.contains(r#"value="bob@example.com, reader@example.com""#),
        "{editor}"
    );
    let mut update = post("bob@example.com");
    update.push(("slug", "written-together"));
    assert!(admin.call("posts/update", &update).await.status < 400);
    let page = visitor.page("/posts/written-together").await.body;
    assert!(page.contains(r#"<a href="/authors/1" class="author">Admin</a> and <a href="/authors/3" class="author">Bob</a>"#), "{page}");
    assert_eq!(
        visitor.page("/authors/2").await.status,
        404,
        "Reader wrote nothing now"
    );

    // A co-author whose account goes leaves the byline; the post stays.
    crate::support::execute(&db, "DELETE FROM users WHERE email = 'bob@example.com'").await;
    let page = visitor.page("/posts/written-together").await.body;
    assert!(
        page.contains(r#"Posted by <a href="/authors/1" class="author">Admin</a>"#)
            && !page.contains(">Bob<"),
        "{page}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM post_coauthors").await, 0);
}

async fn an_address_without_an_account_is_a_field_error_keeping_what_was_typed(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let refused = admin
        .call(
            "posts/create",
            &post("reader@example.com, nobody@example.com"),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.invalid_fields(), ["coauthors"]);
    let back = admin
        .submit(
            "posts/create",
            "/admin/posts/new",
            &post("nobody@example.com"),
        )
        .await;
    let page = admin
        .page(
            back.location
                .expect("back to the editor")
                .trim_start_matches(&server.base),
        )
        .await
        .body;
    assert!(
        page.contains("No account on this blog has the address nobody@example.com"),
        "{page}"
    );
    assert!(
        page.contains(r#"value="nobody@example.com""#),
        "what was typed stays: {page}"
    );
    assert!(page.contains("Written together"), "{page}");
    assert_eq!(
        admin
            .call("posts/create", &post("not an address"))
            .await
            .invalid_fields(),
        ["coauthors"]
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);
}
