//! The data layer on both backends, in process.

use app::db::{self, posts::CreatePostError};
use app::domain::PageNumber;

use crate::support::{both, seed, TestDb};

both!(
    concurrent_read_then_write_transactions_all_succeed,
    similar_titles_get_distinct_slugs,
    a_duplicate_title_is_reported_as_such,
    timestamps_read_back_exactly,
);

async fn concurrent_read_then_write_transactions_all_succeed(db: TestDb) {
    let pool = db.connect().await;
    let author = seed::author(&pool, "Ada").await;
    // 8 writers × 25 posts; each create reads the taken slugs, then inserts.
    let tasks: Vec<_> = (0..8)
        .map(|writer| {
            let pool = pool.clone();
            tokio::spawn(async move {
                for n in 0..25 {
                    seed::post(
                        &pool,
                        author,
                        &format!("Writer {writer} post {n}"),
                        seed::days_ago(1),
                    )
                    .await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a writer failed (database is locked?)");
    }
    assert_eq!(db::posts::count(&pool).await.unwrap(), 200);
}

async fn similar_titles_get_distinct_slugs(db: TestDb) {
    let pool = db.connect().await;
    let author = seed::author(&pool, "Ada").await;
    let a = seed::post(&pool, author, "Hello, World!", None).await;
    let b = seed::post(&pool, author, "Hello World?", None).await;
    let c = seed::post(&pool, author, "hello world", None).await;
    assert_eq!(
        (a.as_str(), b.as_str(), c.as_str()),
        ("hello-world", "hello-world-2", "hello-world-3")
    );
}

async fn a_duplicate_title_is_reported_as_such(db: TestDb) {
    let pool = db.connect().await;
    let author = seed::author(&pool, "Ada").await;
    seed::post(&pool, author, "Only once", None).await;
    let title = app::domain::PostTitle::parse("Only once").unwrap();
    let again = db::posts::NewPost {
        submitted: false,
        series: None,
        coauthors: &[],
        tags: &[],
        author_id: author,
        title: &title,
        subtitle: "",
        body: "",
        cover_url: None,
        published_at: None,
        newsletter: false,
    };
    assert!(matches!(
        db::posts::create(&pool, &again).await,
        Err(CreatePostError::DuplicateTitle)
    ));
}

async fn timestamps_read_back_exactly(db: TestDb) {
    let pool = db.connect().await;
    let author = seed::author(&pool, "Ada").await;
    let at = db::now() - chrono::TimeDelta::minutes(5);
    seed::post(&pool, author, "Timed", Some(at)).await;
    let page = db::posts::list_published(
        &pool,
        PageNumber::new(1),
        10,
        db::now(),
        db::posts::Listing::All,
    )
    .await
    .unwrap();
    assert_eq!(page.posts[0].published_at, at);
}
