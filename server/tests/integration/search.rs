//! Full-text search: FTS5 on SQLite, tsvector on PostgreSQL, behind one server function.

use std::time::Duration;

use chrono::TimeDelta;
use serde_json::Value;

use crate::support::html::active_content;
use crate::support::{admin_and_reader, both, seed, Browser, TestDb, TestServer};

both!(
    search_ranks_title_matches_first_and_marks_them,
    hostile_search_input_gets_results_or_a_message,
    search_sees_published_posts_only_and_follows_edits,
    search_results_come_a_page_at_a_time,
);

async fn search(browser: &mut Browser<'_>, q: &str, page: u32) -> (u16, Value) {
    let reply = browser
        .call("search", &[("q", q), ("page", &page.to_string())])
        .await;
    let json = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status, json)
}

fn slugs(found: &Value) -> Vec<&str> {
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["slug"].as_str().unwrap())
        .collect()
}

async fn search_ranks_title_matches_first_and_marks_them(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    admin
        .publish(
            "Gardening notes",
            "This summer the tomatoes did well, and so did the beans.",
        )
        .await;
    admin.publish("Tomatoes", "Red and round.").await;
    admin.publish("Unrelated", "Nothing to see here.").await;
    let mut visitor = Browser::new(&server);

    let (status, found) = search(&mut visitor, "tomatoes", 1).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(slugs(&found), ["tomatoes", "gardening-notes"]);
    assert_eq!(found["hits"][0]["title_html"], "<mark>Tomatoes</mark>");
    let snippet = found["hits"][1]["snippet_html"].as_str().unwrap();
    assert!(
        snippet.contains("the <mark>tomatoes</mark> did well"),
        "{snippet}"
    );
    assert_eq!(found["has_more"], false);

    // Stemming and a prefix for the last word.
    let (_, found) = search(&mut visitor, "tomato", 1).await;
    assert_eq!(slugs(&found).len(), 2, "{found}");
    let (_, found) = search(&mut visitor, "beans summ", 1).await;
    assert_eq!(slugs(&found), ["gardening-notes"]);
    let (_, found) = search(&mut visitor, "tomatoes beans", 1).await;
    assert_eq!(slugs(&found), ["gardening-notes"], "every word is required");

    // The page: the box in the header, the results with their marks.
    let page = visitor.page("/search?q=tomatoes").await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains(r#"<form role="search" action="/search" method="get" class="site-search">"#));
    assert!(
        page.body.contains("Results for “tomatoes”"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(r#"<a href="/posts/tomatoes"><mark>Tomatoes</mark></a>"#));
    let (_, none) = search(&mut visitor, "zucchini", 1).await;
    assert_eq!(slugs(&none), Vec::<&str>::new());
    let page = visitor.page("/search?q=zucchini").await;
    assert!(page.body.contains("No posts match your search."));
}

async fn hostile_search_input_gets_results_or_a_message(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    admin
        .publish("Quotes and stars", "Some \"quoted\" text with a * star.")
        .await;
    let mut visitor = Browser::new(&server);
    let long = "word ".repeat(50);
    let inputs = [
        "\"",
        "*",
        "OR",
        "AND NOT",
        "\"unbalanced",
        "quoted\" OR \"",
        "star*",
        "-star",
        "NEAR(quoted star)",
        "title:quotes",
        "^quoted",
        "(((",
        "'; DROP TABLE posts; --",
        "<script>alert(1)</script>",
        "\\",
        "!@#$%^&*()",
        "🦀",
        "quoted & | ! :* <->",
        long.as_str(),
    ];
    for input in inputs {
        let (status, found) = search(&mut visitor, input, 1).await;
        match status {
            200 => assert!(found["hits"].is_array(), "{input:?}: {found}"),
            422 => {
                let text = found.to_string();
                assert!(
                    text.contains("Type a word to search for.")
                        || text.contains("Search for at most 200 characters."),
                    "{input:?}: {text}"
                );
            }
            other => panic!("{input:?}: {other} {found}"),
        }
        let encoded: String = input.bytes().map(|b| format!("%{b:02X}")).collect();
        let page = visitor.page(&format!("/search?q={encoded}")).await;
        assert_eq!(page.status, 200, "{input:?}");
        assert_eq!(
            active_content(&page.body),
            Vec::<String>::new(),
            "{input:?}"
        );
    }
    let (_, found) = search(&mut visitor, "\"quoted\" OR *star*", 1).await;
    let expected: Vec<&str> = if db.kind == crate::support::Kind::Postgres {
        // PostgreSQL drops "or" as a stop word; SQLite requires it like any other word.
        vec!["quotes-and-stars"]
    } else {
        vec![]
    };
    assert_eq!(slugs(&found), expected);
    let (_, found) = search(&mut visitor, "\"quoted\" *star*", 1).await;
    assert_eq!(
        slugs(&found),
        ["quotes-and-stars"],
        "operators are only separators"
    );
    assert_eq!(
        admin
            .call("posts/get", &[("slug", "quotes-and-stars")])
            .await
            .status,
        200,
        "the posts table is still there"
    );
}

async fn search_sees_published_posts_only_and_follows_edits(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Zebra draft", None).await;
    let at = app::db::now() + TimeDelta::seconds(3);
    seed::post(&pool, ada, "Zebra scheduled", Some(at)).await;
    let server = TestServer::start(&db).await;
    let mut visitor = Browser::new(&server);
    let (_, found) = search(&mut visitor, "zebra", 1).await;
    assert_eq!(
        slugs(&found),
        Vec::<&str>::new(),
        "neither draft nor scheduled"
    );
    let wait = (at - app::db::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(300)).await;
    let (_, found) = search(&mut visitor, "zebra", 1).await;
    assert_eq!(slugs(&found), ["zebra-scheduled"], "once its time has come");

    let (mut admin, _) = admin_and_reader(&server).await;
    // The seeded author is an admin too; the first registered account is a reader here, so
    // promote through the database to edit.
    sqlx_promote(&db, "admin@example.com").await;
    admin.publish("Giraffe", "Long necks.").await;
    let reply = admin
        .call(
            "posts/update",
            &[
                ("slug", "giraffe"),
                ("title", "Giraffe"),
                ("subtitle", ""),
                ("cover_url", ""),
                ("body", "Actually an okapi."),
            ],
        )
        .await;
    assert!(reply.status < 400, "{}", reply.body);
    assert_eq!(
        slugs(&search(&mut visitor, "okapi", 1).await.1),
        ["giraffe"]
    );
    assert_eq!(
        slugs(&search(&mut visitor, "necks", 1).await.1),
        Vec::<&str>::new()
    );
    let reply = admin.call("posts/delete", &[("slug", "giraffe")]).await;
    assert!(reply.status < 400, "{}", reply.body);
    assert_eq!(
        slugs(&search(&mut visitor, "okapi", 1).await.1),
        Vec::<&str>::new()
    );
}

async fn sqlx_promote(db: &TestDb, email: &str) {
    match db.connect().await {
        app::db::Db::Sqlite(p) => sqlx::query("UPDATE users SET role = 'admin' WHERE email = $1")
            .bind(email)
            .execute(&p)
            .await
            .map(|_| ()),
        app::db::Db::Postgres(p) => sqlx::query("UPDATE users SET role = 'admin' WHERE email = $1")
            .bind(email)
            .execute(&p)
            .await
            .map(|_| ()),
    }
    .unwrap();
}

async fn search_results_come_a_page_at_a_time(db: TestDb) {
    let server = TestServer::start_with(&db, &[("QUIRE_PAGE_SIZE", "2")]).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    for n in 1..=5 {
        admin
            .publish(&format!("Lantern {n}"), "A lantern in the dark.")
            .await;
    }
    let mut visitor = Browser::new(&server);
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (_, found) = search(&mut visitor, "lantern", page).await;
        assert_eq!(found["has_more"], page < 3, "page {page}: {found}");
        seen.extend(slugs(&found).into_iter().map(str::to_owned));
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "lantern-1",
            "lantern-2",
            "lantern-3",
            "lantern-4",
            "lantern-5"
        ]
    );
    let page = visitor.page("/search?q=lantern&page=2").await.body;
    assert!(
        page.contains(r#"href="/search?q=lantern&amp;page=3""#),
        "{page}"
    );
    assert!(page.contains(r#"href="/search?q=lantern&amp;page=1""#));
}
