//! Leaving as plain files: `quire export-markdown` writes every post as Markdown with front
//! matter, the images they use beside them, and their comments as JSON.

use app::db::{self, posts::NewPost};
use app::domain::{CommentStatus, PostTitle, Tag};
use sha2::{Digest, Sha256};
use std::path::Path;

use crate::support::{
    both, count, execute, location, quire_on, refuse_posts_titled, seed, TestDb, TestServer,
};

both!(
    every_post_leaves_as_markdown_with_its_images_and_comments,
    an_exported_folder_imports_into_an_empty_blog_as_the_same_posts,
    a_hugo_folder_comes_in_with_its_front_matter_and_images,
    a_folder_with_a_problem_imports_nothing,
    a_failure_half_way_leaves_the_blog_as_it_was,
    an_export_that_fails_half_way_leaves_no_folder,
);

fn export(db: &TestDb, dir: &std::path::Path) -> (bool, String) {
    quire_on(db, &["export-markdown", dir.to_str().unwrap()])
}

/// What `seed_blog` wrote.
struct Seeded {
    slug: String,
    draft: String,
    sha: String,
    png: Vec<u8>,
    published: chrono::DateTime<chrono::Utc>,
}

/// A post with a subtitle, tags, a cover and an image from the store, two comments (one
/// pending), and a draft.
async fn seed_blog(pool: &db::Db) -> Seeded {
    let author = seed::author(pool, "Ada Writer").await;
    let png = crate::images::png(3, 2, [200, 40, 90]);
    let sha = seed::image(pool, author, &png).await;
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
        pool,
        &NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            author_id: author,
            tags: &tags,
            title: &title,
            subtitle: "A subtitle: \"quoted\"",
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
    let draft = seed::post(pool, author, "Not yet", None).await;
    db::comments::create(pool, &slug, author, "First!", CommentStatus::Visible, None)
        .await
        .unwrap();
    db::comments::create(
        pool,
        &slug,
        author,
        "Held back",
        CommentStatus::Pending,
        None,
    )
    .await
    .unwrap();

    Seeded {
        slug,
        draft,
        sha,
        png,
        published,
    }
}

async fn every_post_leaves_as_markdown_with_its_images_and_comments(db: TestDb) {
    let pool = db.connect().await;
    let Seeded {
        slug,
        draft,
        sha,
        png,
        published,
    } = seed_blog(&pool).await;
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
        "---\ntitle: \"Quotes \\\"and\\\": a colon\"\nsubtitle: \"A subtitle: \\\"quoted\\\"\"\n\
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

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

async fn an_exported_folder_imports_into_an_empty_blog_as_the_same_posts(db: TestDb) {
    seed_blog(&db.connect().await).await;
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    assert!(export(&db, &first).0);

    let other = TestDb::new(db.kind).await;
    let (ok, said) = quire_on(&other, &["import-markdown", first.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert!(
        said.contains("2 posts (1 drafts), 1 images, 2 comments, 1 authors and commenters"),
        "{said}"
    );
    let second = dir.path().join("second");
    assert!(export(&other, &second).0);
    let (before, after) = (files(&first), files(&second));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert_eq!(
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&after[name]),
            "{name}"
        );
    }
    // The imported author cannot log in until an admin sets a password.
    assert_eq!(
        count(
            &other,
            "SELECT COUNT(*) FROM users WHERE password_hash = '!' AND role = 'reader'"
        )
        .await,
        1
    );

    // Once more: refused, the blog has posts; with --replace, the same posts again.
    let (ok, said) = quire_on(&other, &["import-markdown", first.to_str().unwrap()]);
    assert!(!ok && said.contains("this blog has 2 posts"), "{said}");
    let (ok, said) = quire_on(
        &other,
        &["import-markdown", "--replace", first.to_str().unwrap()],
    );
    assert!(ok, "{said}");
    assert_eq!(count(&other, "SELECT COUNT(*) FROM posts").await, 2);
    assert_eq!(count(&other, "SELECT COUNT(*) FROM users").await, 1);
}

/// The content folder of a real Hugo site (tests/fixtures/hugo, made by `hugo new`; Hugo
/// builds it): YAML and TOML front matter, a page bundle with its picture, a draft.
async fn a_hugo_folder_comes_in_with_its_front_matter_and_images(db: TestDb) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hugo/posts");
    let path = folder.to_str().unwrap();
    let (ok, said) = quire_on(&db, &["import-markdown", "--dry-run", path]);
    assert!(!ok && said.contains("names no author"), "{said}");
    let pool = db.connect().await;
    seed::author(&pool, "Hugo Owner").await;
    let by_owner = ["--author", "hugo.owner@example.test"];
    let (ok, said) = quire_on(
        &db,
        &[&["import-markdown", "--dry-run"][..], &by_owner, &[path]].concat(),
    );
    assert!(ok && said.contains("Dry run"), "{said}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);
    let (ok, said) = quire_on(
        &db,
        &[&["import-markdown"][..], &by_owner, &[path]].concat(),
    );
    assert!(ok, "{said}");
    assert!(
        said.contains("8 posts (1 drafts), 1 images, 0 comments"),
        "{said}"
    );

    let post = async |slug: &str| db::posts::by_slug(&pool, slug).await.unwrap().unwrap();
    // Hugo's addresses: the file's name, the bundle's folder, or `slug`.
    let tagged = post("tags-and-categories").await;
    assert_eq!(tagged.author_name, "Hugo Owner");
    assert_eq!(
        tagged.published_at.unwrap().to_rfc3339(),
        "2024-03-02T09:00:00+00:00"
    );
    let tags: Vec<String> = db::tags::for_post(&pool, tagged.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(tags, ["Café", "Notes", "Rust", "static sites"]);
    assert_eq!(
        post("described-post").await.subtitle,
        "A short description, which an importer can use as the subtitle"
    );
    assert_eq!(post("a-custom-slug").await.title, "Slug Post");
    let french = post("non-ascii-title").await;
    assert_eq!(french.title, "Crème brûlée à Zürich — 東京の夜");
    assert_eq!(
        french.published_at.unwrap().to_rfc3339(),
        "2024-07-14T16:30:00+00:00"
    );
    assert!(post("draft-post").await.published_at.is_none());
    // An example in a code block is not taken for an image.
    assert!(post("code-block")
        .await
        .body
        .contains("![not an image](nowhere.png)"));

    let png = std::fs::read(folder.join("with-a-photo/photo.png")).unwrap();
    let sha = format!("{:x}", Sha256::digest(&png));
    let photo = post("with-a-photo").await;
    assert_eq!(
        photo.cover_url.as_deref(),
        Some(format!("/images/{sha}.png").as_str())
    );
    assert!(photo
        .body
        .contains(&format!("![A photo](/images/{sha}.png)")));
    assert_eq!(
        db::images::by_hash(&pool, &sha)
            .await
            .unwrap()
            .unwrap()
            .bytes,
        png
    );

    // Links to the Hugo site's addresses (`/posts/first-post/`) still lead to the posts.
    let server = TestServer::start(&db).await;
    assert_eq!(
        location(&server, "/posts/first-post/").await.as_deref(),
        Some("/posts/first-post")
    );
    assert_eq!(server.get("/posts/first-post").await.0, 200);
}

async fn a_folder_with_a_problem_imports_nothing(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::write(
        site.join("good.md"),
        "---\ntitle: Good\nauthor: Ann\ndate: 2024-01-02\n---\nFine.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("bad-date.md"),
        "---\ntitle: Bad\nauthor: Ann\ndate: last spring\n---\nx\n",
    )
    .unwrap();
    std::fs::write(
        site.join("no-image.md"),
        "---\ntitle: Lost\nauthor: Ann\n---\n![gone](missing.png)\n",
    )
    .unwrap();
    std::fs::write(
        site.join("escape.md"),
        "---\ntitle: Out\nauthor: Ann\n---\n![x](../../etc/passwd)\n",
    )
    .unwrap();
    std::fs::write(
        site.join("twin.md"),
        "---\ntitle: Good\nauthor: Ann\n---\nSame title.\n",
    )
    .unwrap();
    let (ok, said) = quire_on(&db, &["import-markdown", site.to_str().unwrap()]);
    assert!(!ok, "{said}");
    for expected in [
        "bad-date.md: its date \"last spring\" is not a date",
        "no-image.md: its image \"missing.png\": there is no such file",
        "escape.md: its image \"../../etc/passwd\"",
        "its title is also",
        "nothing was imported",
    ] {
        assert!(said.contains(expected), "{expected:?} in {said}");
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 0);
}

async fn a_failure_half_way_leaves_the_blog_as_it_was(db: TestDb) {
    let pool = db.connect().await;
    seed::author(&pool, "Already Here").await;
    // The database refuses the second post, after the accounts, the image and the first
    // post are written: the import's own checks cannot see it coming.
    refuse_posts_titled(&pool, "Boom").await;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::write(site.join("pic.png"), crate::images::png(2, 2, [1, 2, 3])).unwrap();
    for (file, title, date) in [
        ("a.md", "Alpha", "2024-01-01"),
        ("b.md", "Boom", "2024-01-02"),
        ("c.md", "Gamma", "2024-01-03"),
    ] {
        std::fs::write(
            site.join(file),
            format!("---\ntitle: {title}\nauthor: Ann\ndate: {date}\n---\n![p](pic.png)\n"),
        )
        .unwrap();
    }
    let (ok, said) = quire_on(&db, &["import-markdown", site.to_str().unwrap()]);
    assert!(!ok && said.contains("b.md: could not be saved"), "{said}");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM posts").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM images").await, 0);
}

async fn an_export_that_fails_half_way_leaves_no_folder(db: TestDb) {
    let Seeded { slug, .. } = seed_blog(&db.connect().await).await;
    // The posts can be read, their comments cannot: the export stops after the first file.
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    execute(&db, &rename("comments", "comments_away")).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archive");
    let (ok, said) = export(&db, &out);
    assert!(!ok, "{said}");
    assert!(said.contains("could not read the comments"), "{said}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing left behind: {left:?}");

    // Into a folder made empty beforehand, the same: it stays as it was.
    std::fs::create_dir(&out).unwrap();
    assert!(!export(&db, &out).0);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    execute(&db, &rename("comments_away", "comments")).await;
    let (ok, said) = export(&db, &out);
    assert!(ok, "{said}");
    assert!(out.join(format!("{slug}.md")).exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
