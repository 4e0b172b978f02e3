//! The home page and the server function behind it, over HTTP.

use crate::support::{both, seed, TestDb, TestServer};

both!(
    lists_published_posts_newest_first_with_author_and_date,
    shows_an_empty_state_without_posts,
    hides_drafts_and_scheduled_posts,
    paginates_with_older_and_newer_links,
    treats_a_nonsense_page_number_as_the_first_page,
    list_posts_endpoint_answers_json,
    unknown_addresses_get_a_friendly_404,
);

/// Positions of `needles` in `haystack`, failing if one is missing.
fn positions(haystack: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            haystack
                .find(n)
                .unwrap_or_else(|| panic!("{n:?} not in page:\n{haystack}"))
        })
        .collect()
}

async fn lists_published_posts_newest_first_with_author_and_date(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada Lovelace").await;
    seed::post(&pool, ada, "Middle post", seed::days_ago(2)).await;
    seed::post(
        &pool,
        ada,
        "Oldest post",
        Some("2019-08-31T10:00:00Z".parse().unwrap()),
    )
    .await;
    seed::post(&pool, ada, "Newest post", seed::days_ago(1)).await;
    let server = TestServer::start(&db).await;

    let (status, html) = server.get("/").await;
    assert_eq!(status, 200);
    let order = positions(&html, &[">Newest post<", ">Middle post<", ">Oldest post<"]);
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "not newest first: {order:?}"
    );
    assert!(html.contains("Ada Lovelace"));
    assert!(html.contains("Subtitle of it"));
    assert!(
        html.contains("August 31, 2019"),
        "date in the original blog's format"
    );
    assert!(html.contains(r#"href="/posts/newest-post""#));
    assert!(!html.contains("No posts yet"));
}

async fn shows_an_empty_state_without_posts(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (status, html) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("No posts yet"), "{html}");
    assert!(
        html.contains(r#"href="/pkg/quire.css""#),
        "stylesheet linked"
    );
    assert!(
        !html.contains("/pkg/quire.js"),
        "a reader's page loads no client"
    );
}

async fn hides_drafts_and_scheduled_posts(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Published one", seed::days_ago(1)).await;
    seed::post(&pool, ada, "A draft", None).await;
    seed::post(&pool, ada, "Scheduled for tomorrow", seed::days_ago(-1)).await;
    let server = TestServer::start(&db).await;

    let (_, html) = server.get("/").await;
    assert!(html.contains("Published one"));
    assert!(!html.contains("A draft"));
    assert!(!html.contains("Scheduled for tomorrow"));
}

async fn paginates_with_older_and_newer_links(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    for n in 1..=5 {
        seed::post(
            &pool,
            ada,
            &format!("Post number {n}"),
            seed::days_ago(10 - n),
        )
        .await;
    }
    let server = TestServer::start_with(&db, &[("QUIRE_PAGE_SIZE", "2")]).await;

    let (_, first) = server.get("/").await;
    positions(
        &first,
        &[
            "Post number 5",
            "Post number 4",
            r#"href="/?page=2""#,
            "Older posts",
        ],
    );
    assert!(!first.contains("Post number 3"));
    assert!(!first.contains("Newer posts"));

    let (_, second) = server.get("/?page=2").await;
    positions(
        &second,
        &[
            "Post number 3",
            "Post number 2",
            r#"href="/""#,
            "Newer posts",
            r#"href="/?page=3""#,
        ],
    );

    let (_, last) = server.get("/?page=3").await;
    positions(&last, &["Post number 1", "Newer posts"]);
    assert!(!last.contains("Older posts"));

    let (status, beyond) = server.get("/?page=9").await;
    assert_eq!(status, 200);
    assert!(beyond.contains("No posts on this page"));
}

async fn treats_a_nonsense_page_number_as_the_first_page(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Only post", seed::days_ago(1)).await;
    let server = TestServer::start(&db).await;
    for query in [
        "?page=abc",
        "?page=-1",
        "?page=0",
        "?page=99999999999999999999",
        "?page=%00",
    ] {
        let (status, html) = server.get(&format!("/{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert!(html.contains("Only post"), "{query}");
    }
}

async fn list_posts_endpoint_answers_json(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Over the wire", seed::days_ago(1)).await;
    let server = TestServer::start(&db).await;

    let response = server
        .client
        .post(server.url("/api/list_posts"))
        .form(&[("page", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let page: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(page["posts"][0]["title"], "Over the wire");
    assert_eq!(page["posts"][0]["author_name"], "Ada");
    assert_eq!(page["has_older"], false);

    // A malformed call is the caller's mistake, not a server failure.
    let bad = server
        .client
        .post(server.url("/api/list_posts"))
        .form(&[("page", "not-a-number")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body = bad.text().await.unwrap();
    assert!(!body.to_lowercase().contains("sqlx"), "{body}");
}

async fn unknown_addresses_get_a_friendly_404(db: TestDb) {
    let server = TestServer::start(&db).await;
    for path in ["/no/such/page", "/posts", "/pkg/missing.js"] {
        let (status, html) = server.get(path).await;
        assert_eq!(status, 404, "{path}");
        if !path.starts_with("/pkg/") {
            assert!(html.contains("Page not found"), "{path}: {html}");
            assert!(html.contains(r#"href="/""#));
        }
    }
}
