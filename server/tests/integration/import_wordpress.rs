//! `quire import-wordpress`: a real WordPress 6.1 export (tests/fixtures/wordpress, written by
//! WordPress' own exporter) moves in — posts with their status and dates, authors, tags,
//! comments, images, and redirects from the old addresses — or not at all.

use std::path::{Path, PathBuf};

use app::db;
use app::domain::{Email, Role};
use sha2::{Digest, Sha256};

use crate::support::{
    both, count, html, location, quire_on, refuse_posts_titled, TestDb, TestServer,
};

both!(
    a_wordpress_blog_moves_in_with_its_people_comments_images_and_addresses,
    a_dry_run_a_full_blog_and_a_broken_file_change_nothing,
    a_failure_half_way_leaves_the_blog_as_it_was,
);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wordpress")
        .join(name)
}

fn import(db: &TestDb, extra: &[&str]) -> (bool, String) {
    let export = fixture("export.xml");
    let mut args = vec!["import-wordpress", export.to_str().unwrap()];
    args.extend_from_slice(extra);
    quire_on(db, &args)
}

async fn a_wordpress_blog_moves_in_with_its_people_comments_images_and_addresses(db: TestDb) {
    let uploads = fixture("uploads");
    let (ok, said) = import(
        &db,
        &[
            "--admin",
            "ada@wp.test",
            "--fetch-images",
            uploads.to_str().unwrap(),
        ],
    );
    assert!(ok, "{said}");
    // 10 posts and 1 page of 14 items: the attachment and the trashed post stay behind.
    assert!(
        said.contains("12 posts (3 drafts), 1 images, 6 comments"),
        "{said}"
    );
    assert!(
        said.contains("Not imported: 1 attachment items, 1 posts in trash."),
        "{said}"
    );
    assert!(
        said.contains("Comments not imported: 1 pingbacks, 1 trash."),
        "{said}"
    );
    assert!(said.contains("imported as \"Same Title (2)\""), "{said}");
    assert!(
        said.contains("1 replies are shown among the comments"),
        "{said}"
    );

    let pool = db.connect().await;
    let ada = db::users::by_email(&pool, &Email::parse("ada@wp.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    let bob = db::users::by_email(&pool, &Email::parse("bob@wp.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((ada.name.as_str(), ada.role), ("Ada Admin", Role::Admin));
    assert_eq!((bob.name.as_str(), bob.role), ("Bob Writer", Role::Reader));
    // Nobody logs in with a password until they set one.
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM users WHERE password_hash <> '!'").await,
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM users WHERE email LIKE 'carol-visitor-%@import.invalid'"
        )
        .await,
        1
    );

    let server = TestServer::start(&db).await;
    let (status, page) = server.get("/posts/hello-from-wordpress").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"datetime="2024-05-10T07:30:00+00:00""#),
        "the GMT date"
    );
    assert!(
        page.contains("A short hand-written excerpt."),
        "the excerpt is the subtitle"
    );
    for tag in ["Café", "News", "Rust", "Ünïcode", "web dev"] {
        assert!(page.contains(&format!(">{tag}</a>")), "tag {tag}");
    }
    assert!(!page.contains(">Uncategorized</a>"));
    assert!(page.contains("3 comments"), "approved comments only");
    for shown in [
        "Nice first post!",
        "Anonymous but approved.",
        "Thanks Carol",
        "Carol Visitor",
    ] {
        assert!(page.contains(shown), "{shown}");
    }
    for hidden in ["Awaiting moderation.", "I take it back", "Linking Post"] {
        assert!(!page.contains(hidden), "{hidden}");
    }
    // The held comment waits in the moderation queue.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM comments WHERE status = 'pending'"
        )
        .await,
        1
    );

    // Drafts, pending, private and scheduled posts are not out.
    for slug in ["pending-review", "private-notes", "scheduled-for-2031"] {
        assert_eq!(server.get(&format!("/posts/{slug}")).await.0, 404, "{slug}");
    }
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM posts WHERE published_at IS NULL").await,
        3
    );

    // The featured image and the body's image, taken from the uploads copy.
    let jpeg = std::fs::read(uploads.join("2024/05/photo.jpg")).unwrap();
    let image = format!("/images/{:x}.jpg", Sha256::digest(&jpeg));
    let (_, featured) = server.get("/posts/post-with-a-featured-image").await;
    assert!(featured.contains(&image), "the cover is in the store");
    let (_, blocks) = server.get("/posts/blocks-images-and-shortcodes").await;
    assert!(blocks.contains(&format!("src=\"{image}\"")), "{blocks}");
    assert!(blocks.contains("<figcaption>"), "the caption is a figure");
    assert!(!blocks.contains("wp.test/wp-content"));
    let bytes = reqwest::get(server.url(&image))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), jpeg.as_slice());

    let (_, hostile) = server.get("/posts/hostile-b-html-b").await;
    assert!(
        html::active_content(&hostile).is_empty(),
        "{:?}",
        html::active_content(&hostile)
    );

    // Old addresses: permalinks, plain links, a non-ASCII slug; a draft's is not revealed.
    for (old, new) in [
        (
            "/2024/05/hello-from-wordpress/",
            "/posts/hello-from-wordpress",
        ),
        ("/?p=4", "/posts/hello-from-wordpress"),
        ("/?page_id=16", "/posts/about"),
        ("/2024/05/same-title-2/", "/posts/same-title-2"),
    ] {
        assert_eq!(location(&server, old).await.as_deref(), Some(new), "{old}");
    }
    let (_, row) = server
        .get("/posts/creme-brulee-fur-anfanger-日本語のタイトル")
        .await;
    assert!(row.contains("Crème brûlée"), "the decoded slug");
    let moved = location(&server, "/2024/05/creme-brulee-fur-anfanger-%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE%E3%82%BF%E3%82%A4%E3%83%88%E3%83%AB/").await;
    assert_eq!(
        moved.as_deref(),
        Some("/posts/creme-brulee-fur-anfanger-%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE%E3%82%BF%E3%82%A4%E3%83%88%E3%83%AB")
    );
    assert_eq!(location(&server, "/?p=5").await, None);
    assert_eq!(server.get("/?p=5").await.0, 200, "the home page");
    assert_eq!(server.get("/2024/05/nothing-here").await.0, 404);
}

async fn a_dry_run_a_full_blog_and_a_broken_file_change_nothing(db: TestDb) {
    let (ok, said) = import(&db, &["--dry-run"]);
    assert!(
        ok && said.contains("Dry run: nothing was changed."),
        "{said}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);

    let (ok, said) = import(&db, &["--admin", "nobody@wp.test"]);
    assert!(
        !ok && said.contains("no author of the export has that address"),
        "{said}"
    );
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.xml");
    let text = std::fs::read_to_string(fixture("export.xml")).unwrap();
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    let (ok, said) = quire_on(&db, &["import-wordpress", cut.to_str().unwrap()]);
    assert!(!ok && said.contains("not well-formed XML"), "{said}");
    let (ok, said) = import(&db, &["--fetch-images", dir.path().to_str().unwrap()]);
    assert!(!ok && said.contains("photo.jpg is not in"), "{said}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);

    let (ok, said) = import(&db, &[]);
    assert!(ok, "{said}");
    let (ok, said) = import(&db, &[]);
    assert!(!ok && said.contains("this blog has 12 posts"), "{said}");
    let (ok, said) = import(&db, &["--replace"]);
    assert!(ok, "{said}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 12);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM old_addresses").await, 15);
}

async fn a_failure_half_way_leaves_the_blog_as_it_was(db: TestDb) {
    let pool = db.connect().await;
    refuse_posts_titled(&pool, "Same Title (2)").await;
    let (ok, said) = import(
        &db,
        &["--fetch-images", fixture("uploads").to_str().unwrap()],
    );
    assert!(
        !ok && said.contains("post 15 (\"Same Title\"): could not be saved"),
        "{said}"
    );
    for table in [
        "posts",
        "users",
        "images",
        "comments",
        "old_addresses",
        "tags",
    ] {
        assert_eq!(
            count(&db, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
}
