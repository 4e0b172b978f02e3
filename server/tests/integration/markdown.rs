//! Leaving as plain files: `quire export-markdown` writes every post as Markdown with front
//! matter, the images they use beside them, and their comments as JSON.

use app::db::{self, images::NewImage, posts::NewPost};
use app::domain::{CommentStatus, PostTitle, Tag};
use sha2::{Digest, Sha256};

use crate::support::{both, seed, TestDb};

both!(every_post_leaves_as_markdown_with_its_images_and_comments);

fn export(db: &TestDb, dir: &std::path::Path) -> (bool, String) {
    let out = crate::support::server::quire()
        .env("DATABASE_URL", &db.url)
        .arg("export-markdown")
        .arg(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn every_post_leaves_as_markdown_with_its_images_and_comments(db: TestDb) {
    let pool = db.connect().await;
    let author = seed::author(&pool, "Ada Writer").await;
    let png = b"\x89PNG\r\n\x1a\n not really a picture".to_vec();
    let sha = format!("{:x}", Sha256::digest(&png));
    let image = NewImage {
        sha256: &sha,
        content_type: "image/png",
        bytes: &png,
        width: None,
        height: None,
        uploader_id: author,
    };
    db::images::store(&pool, &image).await.unwrap();
    let title = PostTitle::parse("Quotes \"and\": a colon").unwrap();
    let tags = [
        Tag::parse("Rust").unwrap(),
        Tag::parse("Small web").unwrap(),
    ];
    let body = format!(
        "Words with ![a picture](/images/{sha}.png), and [elsewhere](https://x.example/images/{sha}.png)."
    );
    let cover = format!("/images/{sha}.png");
    let published = seed::days_ago(2).unwrap();
    let slug = db::posts::create(
        &pool,
        &NewPost {
            author_id: author,
            tags: &tags,
            title: &title,
            subtitle: "Line one\nline two",
            body: &body,
            cover_url: Some(&cover),
            published_at: Some(published),
            newsletter: false,
        },
    )
    .await
    .unwrap()
    .slug
    .as_str()
    .to_owned();
    let draft = seed::post(&pool, author, "Not yet", None).await;
    db::comments::create(&pool, &slug, author, "First!", CommentStatus::Visible)
        .await
        .unwrap();
    db::comments::create(&pool, &slug, author, "Held back", CommentStatus::Pending)
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    let (ok, said) = export(&db, &out);
    assert!(ok, "{said}");
    assert!(
        said.contains("2 posts, 1 images and 2 comments written"),
        "{said}"
    );

    let text = std::fs::read_to_string(out.join(format!("{slug}.md"))).unwrap();
    let expected = format!(
        "---\ntitle: \"Quotes \\\"and\\\": a colon\"\nsubtitle: \"Line one\\nline two\"\n\
         slug: \"{slug}\"\ndate: \"{}\"\nauthor: \"Ada Writer\"\ntags: [\"Rust\", \"Small web\"]\n\
         cover: \"images/{sha}.png\"\n---\n\
         Words with ![a picture](images/{sha}.png), and [elsewhere](https://x.example/images/{sha}.png).",
        published.to_rfc3339()
    );
    assert_eq!(text, expected);
    assert_eq!(
        std::fs::read(out.join("images").join(format!("{sha}.png"))).unwrap(),
        png
    );
    let draft_text = std::fs::read_to_string(out.join(format!("{draft}.md"))).unwrap();
    assert!(
        draft_text.contains("\ndraft: true\n") && !draft_text.contains("date:"),
        "{draft_text}"
    );

    let comments: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(format!("{slug}.comments.json"))).unwrap())
            .unwrap();
    assert_eq!(comments[0]["author"], "Ada Writer");
    assert_eq!(comments[0]["body"], "First!");
    assert_eq!(comments[1]["status"], "pending");
    assert!(!out.join(format!("{draft}.comments.json")).exists());

    // Never into a folder with files in it.
    let (ok, said) = export(&db, &out);
    assert!(!ok && said.contains("is not empty"), "{said}");
}
