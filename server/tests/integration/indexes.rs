//! Every query behind the public pages is served by an index, checked on PostgreSQL's
//! planner: the server's connections forbid sequential scans (`enable_seqscan=off`), so a
//! sequential scan in the table statistics means no index could serve some query. A
//! PostgreSQL check by nature: SQLite gets the same indexes from the same migrations.

use std::time::Duration;

use crate::support::server::quire;
use crate::support::{Kind, TestDb, TestServer};

/// The tables the public pages read.
const TABLES: [&str; 8] = [
    "posts",
    "comments",
    "users",
    "tags",
    "post_tags",
    "settings",
    "content_version",
    "auth_version",
];

async fn seq_scans(pool: &sqlx::PgPool) -> Vec<(String, i64)> {
    let mut counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT relname::text, seq_scan FROM pg_stat_user_tables WHERE relname = ANY($1)",
    )
    .bind(TABLES.map(str::to_owned).to_vec())
    .fetch_all(pool)
    .await
    .unwrap();
    counts.sort();
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_read_through_indexes_on_postgresql() {
    let db = TestDb::new(Kind::Postgres).await;
    let seeded = quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", &db.url)
        .args([
            "demo",
            "--posts",
            "300",
            "--users",
            "50",
            "--comments",
            "120",
        ])
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let app::db::Db::Postgres(pool) = db.connect().await else {
        unreachable!()
    };
    for sql in [
        "INSERT INTO tags (slug, name) VALUES ('rust', 'Rust')",
        "INSERT INTO post_tags (post_id, tag_id) SELECT p.id, t.id FROM posts p, tags t WHERE p.id % 3 = 0 AND t.slug = 'rust'",
        "ANALYZE",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let author: i64 = sqlx::query_scalar("SELECT author_id FROM posts LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Its statistics (the seeding's trigger runs) reach the shared counters as it closes.
    pool.close().await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let url = format!("{}?options=-c%20enable_seqscan%3Doff", db.url);
    // No page cache: every request renders and queries.
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("QUIRE_PAGE_CACHE_MIB", "0"),
    ];
    // Statistics reach the shared counters when a connection closes: a first run with no
    // requests gives start-up's own count.
    TestServer::process_with(&db, &env)
        .await
        .terminate(Duration::from_secs(10));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = seq_scans(&pool).await;

    let mut server = TestServer::process_with(&db, &env).await;
    let pages = [
        "/".to_owned(),
        "/?page=3".to_owned(),
        "/posts/demo-post-300".to_owned(),
        "/posts/demo-post-300?comments=2".to_owned(),
        "/posts/demo-post-3".to_owned(),
        format!("/authors/{author}"),
        "/tags/rust".to_owned(),
        "/search?q=demo".to_owned(),
        "/about".to_owned(),
        "/feed.xml".to_owned(),
        "/rss.xml".to_owned(),
        "/tags/rust/feed.xml".to_owned(),
        "/sitemap.xml".to_owned(),
    ];
    for page in &pages {
        let (status, _) = server.get(page).await;
        assert_eq!(status, 200, "{page}");
    }
    server.terminate(Duration::from_secs(10));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = seq_scans(&pool).await;
    assert_eq!(
        after, before,
        "a page query scanned a whole table (table, sequential scans): {pages:?}"
    );
}
