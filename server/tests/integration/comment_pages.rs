//! A post's comments come fifty to a page, the newest page first, whoever reads them.

use app::db::comments::COMMENTS_PER_PAGE;
use app::domain::CommentStatus::Visible;

use crate::support::{both, seed, Browser, TestDb, TestServer};

both!(
    comments_come_fifty_to_a_page_newest_page_first,
    the_server_function_pages_comments_too,
);

/// The numbers of the comments a page lists, in the order shown (the page's hydration data
/// repeats them further down).
fn bodies(html: &str) -> Vec<u32> {
    let start = html
        .find("<ol class=\"comment-list\"")
        .expect("a comment list");
    let html = &html[start..start + html[start..].find("</ol>").unwrap()];
    html.match_indices("Comment number ")
        .map(|(at, m)| {
            let digits: String = html[at + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().unwrap()
        })
        .collect()
}

async fn seed_comments(db: &TestDb, count: u32) -> String {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let slug = seed::post(&pool, ada, "Talked-about post", seed::days_ago(1)).await;
    for n in 1..=count {
        app::db::comments::create(
            &pool,
            &slug,
            ada,
            &format!("Comment number {n}"),
            Visible,
            None,
        )
        .await
        .unwrap();
    }
    slug
}

async fn comments_come_fifty_to_a_page_newest_page_first(db: TestDb) {
    assert_eq!(COMMENTS_PER_PAGE, 50);
    let slug = seed_comments(&db, 120).await;
    let server = TestServer::start(&db).await;
    let post = format!("/posts/{slug}");

    let (status, first) = server.get(&post).await;
    assert_eq!(status, 200);
    assert!(
        first.contains("120 comments"),
        "the count covers every page"
    );
    assert_eq!(bodies(&first), (71..=120).collect::<Vec<_>>());
    assert!(first.contains(&format!("href=\"{post}?comments=2#comments-title\"")));
    assert!(!first.contains("Newer comments"));

    let (_, second) = server.get(&format!("{post}?comments=2")).await;
    assert_eq!(bodies(&second), (21..=70).collect::<Vec<_>>());
    assert!(second.contains("120 comments"));
    assert!(second.contains(&format!("href=\"{post}?comments=3#comments-title\"")));
    assert!(second.contains(&format!("href=\"{post}#comments-title\"")));

    let (_, last) = server.get(&format!("{post}?comments=3")).await;
    assert_eq!(bodies(&last), (1..=20).collect::<Vec<_>>());
    assert!(!last.contains("Earlier comments"));
    assert!(last.contains("Newer comments"));

    // Past the end, and nonsense: still the post, with the right count.
    let (status, beyond) = server.get(&format!("{post}?comments=9")).await;
    assert_eq!(status, 200);
    assert!(bodies(&beyond).is_empty());
    assert!(beyond.contains("120 comments"));
    let (status, nonsense) = server.get(&format!("{post}?comments=-1")).await;
    assert_eq!(status, 200);
    assert_eq!(bodies(&nonsense), (71..=120).collect::<Vec<_>>());
}

async fn the_server_function_pages_comments_too(db: TestDb) {
    let slug = seed_comments(&db, 51).await;
    let server = TestServer::start(&db).await;
    let mut visitor = Browser::new(&server);

    let first = visitor.call("posts/get", &[("slug", &slug)]).await;
    assert_eq!(first.status, 200);
    let first: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(first["comments"].as_array().unwrap().len(), 50);
    assert_eq!(first["earlier_comments"], true);
    assert_eq!(first["visible_comments"], 51);

    let second = visitor
        .call("posts/get", &[("slug", &slug), ("comments", "2")])
        .await;
    let second: serde_json::Value = serde_json::from_str(&second.body).unwrap();
    let comments = second["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 1);
    let body = comments[0]["body_html"].as_str().unwrap();
    assert!(body.contains("Comment number 1<"), "{body}");
    assert_eq!(second["earlier_comments"], false);
    assert_eq!(second["comment_page"], 2);
}
