//! Author pages and reading time.

use crate::support::{admin_and_reader, both, seed, Browser, TestDb, TestServer};

both!(
    author_pages_list_an_authors_published_posts_only,
    posts_say_how_long_they_take_to_read,
);

async fn author_pages_list_an_authors_published_posts_only(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let bob = seed::author(&pool, "Bob").await;
    for n in 1..=3 {
        seed::post(&pool, ada, &format!("Ada {n}"), seed::days_ago(n)).await;
    }
    seed::post(&pool, ada, "Ada draft", None).await;
    seed::post(&pool, bob, "Bob 1", seed::days_ago(1)).await;
    let server = TestServer::start_with(&db, &[("QUIRE_PAGE_SIZE", "2")]).await;
    let (_, _reader) = admin_and_reader(&server).await;
    let mut visitor = Browser::new(&server);

    let home = visitor.page("/").await.body;
    assert!(
        home.contains(&format!(
            r#"<a href="/authors/{ada}" class="author">Ada</a>"#
        )),
        "{home}"
    );
    let first = visitor.page(&format!("/authors/{ada}")).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Posts by Ada"));
    assert!(first.body.contains("Ada 1") && first.body.contains("Ada 2"));
    assert!(!first.body.contains("Bob 1") && !first.body.contains("Ada draft"));
    assert!(
        first
            .body
            .contains(&format!(r#"href="/authors/{ada}?page=2""#)),
        "{}",
        first.body
    );
    let second = visitor.page(&format!("/authors/{ada}?page=2")).await.body;
    assert!(second.contains("Ada 3") && !second.contains("Ada 1"));

    // Readers (who published nothing), unknown ids and nonsense have no page.
    let reader_id: i64 = match &pool {
        app::db::Db::Sqlite(p) => {
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'reader@example.com'")
                .fetch_one(p)
                .await
                .unwrap()
        }
        app::db::Db::Postgres(p) => {
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'reader@example.com'")
                .fetch_one(p)
                .await
                .unwrap()
        }
    };
    for path in [
        format!("/authors/{reader_id}"),
        "/authors/999999".to_owned(),
        "/authors/abc".to_owned(),
        "/authors/-1".to_owned(),
    ] {
        let page = visitor.page(&path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("Page not found"), "{path}");
    }
}

async fn posts_say_how_long_they_take_to_read(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    admin.publish("Short", "A few words.").await;
    // 14,000 characters: about 2,333 words, 10.1 minutes at 230 a minute.
    admin.publish("Long", &"abcde ".repeat(2_333)).await;
    let mut visitor = Browser::new(&server);
    assert!(visitor
        .page("/posts/short")
        .await
        .body
        .contains("1 min read"));
    assert!(visitor
        .page("/posts/long")
        .await
        .body
        .contains("11 min read"));
    let home = visitor.page("/").await.body;
    assert!(
        home.contains("1 min read") && home.contains("11 min read"),
        "{home}"
    );
}
