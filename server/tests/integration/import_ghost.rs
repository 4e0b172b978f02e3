//! `quire import-ghost`: a real Ghost 5 export (tests/fixtures/ghost, written by Ghost's own
//! exporter) moves in — posts and pages with their status and dates, staff users, public
//! tags, images, and redirects from the old addresses — or not at all.

use std::path::{Path, PathBuf};

use app::db;
use app::domain::{Email, Role};
use sha2::{Digest, Sha256};

use crate::support::{
    both, count, html, location, quire_on, refuse_posts_titled, TestDb, TestServer,
};

both!(
    a_ghost_blog_moves_in_with_its_people_tags_images_and_addresses,
    a_dry_run_a_full_blog_and_a_broken_file_change_nothing,
    a_failure_half_way_leaves_the_blog_as_it_was,
);

fn export() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ghost/export.json")
}

fn import(db: &TestDb, extra: &[&str]) -> (bool, String) {
    let export = export();
    let mut args = vec!["import-ghost", export.to_str().unwrap()];
    args.extend_from_slice(extra);
    quire_on(db, &args)
}

/// A copy of Ghost's `content/images` with the files the fixture's posts name.
fn content_images(dir: &Path) -> Vec<u8> {
    let jpeg = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/wordpress/uploads/2024/05/photo.jpg"),
    )
    .unwrap();
    for name in [
        "2024/05/photo.jpg",
        "2024/05/photo-absolute.jpg",
        "2024/05/cover.jpg",
    ] {
        std::fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
        std::fs::write(dir.join(name), &jpeg).unwrap();
    }
    std::fs::create_dir_all(dir.join("2024/06")).unwrap();
    std::fs::write(
        dir.join("2024/06/diagram.png"),
        crate::images::png(4, 3, [9, 9, 9]),
    )
    .unwrap();
    jpeg
}

async fn a_ghost_blog_moves_in_with_its_people_tags_images_and_addresses(db: TestDb) {
    let images = tempfile::tempdir().unwrap();
    let jpeg = content_images(images.path());
    let (ok, said) = import(
        &db,
        &[
            "--admin",
            "owner@ghostblog.test",
            "--fetch-images",
            images.path().to_str().unwrap(),
        ],
    );
    assert!(ok, "{said}");
    assert!(said.contains("A Ghost 5.130.6 export."), "{said}");
    assert!(said.contains("12 posts (2 drafts), 2 images"), "{said}");
    assert!(said.contains("2 pages came in as posts"), "{said}");
    assert!(
        said.contains("it was for members only on Ghost: imported as a draft"),
        "{said}"
    );
    assert!(said.contains("Zoë Ünïcode is not credited"), "{said}");

    let pool = db.connect().await;
    let owner = db::users::by_email(&pool, &Email::parse("owner@ghostblog.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    let zoe = db::users::by_email(&pool, &Email::parse("zoe@ghostblog.test").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (owner.name.as_str(), owner.role),
        ("Olivia Owner", Role::Admin)
    );
    assert_eq!((zoe.name.as_str(), zoe.role), ("Zoë Ünïcode", Role::Reader));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM users WHERE password_hash <> '!'").await,
        0
    );

    let server = TestServer::start(&db).await;
    let (status, tagged) = server.get("/posts/tagged-everything").await;
    assert_eq!(status, 200);
    assert!(
        tagged.contains(r#"datetime="2024-05-10T10:30:00+00:00""#),
        "the date"
    );
    for tag in ["Café Société", "日本語", "Rust", "News"] {
        assert!(tagged.contains(&format!(">{tag}</a>")), "tag {tag}");
    }
    assert!(
        !tagged.contains(">#hidden</a>"),
        "internal tags stay behind"
    );

    let photo = format!("/images/{:x}.jpg", Sha256::digest(&jpeg));
    let (_, welcome) = server.get("/posts/welcome").await;
    assert!(welcome.contains(&format!("src=\"{photo}\"")), "{welcome}");
    assert!(!welcome.contains("__GHOST_URL__") && !welcome.contains("/content/images/"));
    assert!(
        welcome.contains("href=\"/about-quire/\""),
        "own links made relative"
    );
    assert!(welcome.contains("<blockquote>A blockquote, quoted.</blockquote>"));
    let (_, featured) = server.get("/posts/feature-image-and-custom-excerpt").await;
    assert!(
        featured.contains(&photo),
        "the feature image is in the store"
    );
    assert!(
        featured.contains("A hand-written excerpt"),
        "the excerpt is the subtitle"
    );
    let (_, unicode) = server.get("/posts/unicode-title-ri-ben-yu-notaitoru").await;
    assert!(unicode.contains("Zoë Ünïcode"), "by the second user");

    for slug in ["hostile-html", "hostile-html-converted"] {
        let (status, page) = server.get(&format!("/posts/{slug}")).await;
        assert_eq!(status, 200);
        assert!(
            html::active_content(&page).is_empty(),
            "{slug}: {:?}",
            html::active_content(&page)
        );
    }
    for hidden in ["draft-wip", "scheduled", "two-authors"] {
        assert_eq!(
            server.get(&format!("/posts/{hidden}")).await.0,
            404,
            "{hidden}"
        );
    }

    for (old, new) in [
        ("/welcome/", "/posts/welcome"),
        ("/about-quire/", "/posts/about-quire"),
        ("/tagged-everything", "/posts/tagged-everything"),
    ] {
        assert_eq!(location(&server, old).await.as_deref(), Some(new), "{old}");
    }
    // Members-only stays unlisted: no redirect to it (only the usual one without the slash).
    assert_eq!(
        location(&server, "/two-authors/").await.as_deref(),
        Some("/two-authors")
    );
    assert_eq!(server.get("/two-authors").await.0, 404);
    assert_eq!(server.get("/about").await.0, 200, "Quire's own About page");
}

async fn a_dry_run_a_full_blog_and_a_broken_file_change_nothing(db: TestDb) {
    let (ok, said) = import(&db, &["--dry-run"]);
    assert!(
        ok && said.contains("Dry run: nothing was changed."),
        "{said}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);

    let (ok, said) = import(&db, &["--admin", "nobody@ghostblog.test"]);
    assert!(
        !ok && said.contains("no author of the export has that address"),
        "{said}"
    );
    let dir = tempfile::tempdir().unwrap();
    let (ok, said) = import(&db, &["--fetch-images", dir.path().to_str().unwrap()]);
    assert!(!ok && said.contains("photo.jpg is not in"), "{said}");
    let wordpress =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wordpress/export.xml");
    let (ok, said) = quire_on(&db, &["import-ghost", wordpress.to_str().unwrap()]);
    assert!(!ok && said.contains("not a Ghost export"), "{said}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);

    let (ok, said) = import(&db, &[]);
    assert!(ok, "{said}");
    let (ok, said) = import(&db, &[]);
    assert!(!ok && said.contains("this blog has 12 posts"), "{said}");
    let (ok, said) = import(&db, &["--replace"]);
    assert!(ok, "{said}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 12);
    // Each post as it arrived is its first revision, to go back to after edits.
    let first = "SELECT COUNT(*) FROM post_revisions r JOIN posts p ON p.id = r.post_id
                 WHERE r.number = 1 AND r.body = p.body AND r.title = p.title";
    assert_eq!(count(&db, first).await, 12);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM post_revisions").await, 12);
}

async fn a_failure_half_way_leaves_the_blog_as_it_was(db: TestDb) {
    refuse_posts_titled(&db.connect().await, "Tagged Everything").await;
    let (ok, said) = import(&db, &[]);
    assert!(
        !ok && said.contains("post \"Tagged Everything\": could not be saved"),
        "{said}"
    );
    for table in ["posts", "users", "old_addresses", "tags"] {
        assert_eq!(
            count(&db, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
}
