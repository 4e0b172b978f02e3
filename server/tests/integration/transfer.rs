//! `quire copy-data`, `quire export` and `quire import`: moving a blog between SQLite and
//! PostgreSQL loses nothing, and a damaged backup is refused.

use std::process::Output;

use app::db::transfer::{self, Batches, Column, Value};
use app::db::{self, site::NewMessage, Db};
use app::domain::CommentStatus;

use crate::support::server::quire;
use crate::support::{both, seed, Browser, Kind, TestDb, TestServer};

both!(demo_fills_a_blog_of_the_requested_size);

const PASSWORD: &str = "correct horse battery staple";

/// Runs `quire` with `args` (and a DATABASE_URL, if given) to the end.
fn run(database_url: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = quire();
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.args(args).output().expect("run quire")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every row of every content table, tables in order, rows sorted.
async fn snapshot(db: &Db) -> Vec<(&'static str, Vec<Vec<Value>>)> {
    let mut tx = db.begin_snapshot().await.unwrap();
    let mut out = Vec::new();
    for table in transfer::CONTENT {
        let columns: Vec<&Column> = table.columns.iter().collect();
        let mut rows = Vec::new();
        let mut batches = Batches::new(table, &columns);
        while let Some(batch) = batches.next(&mut tx).await.unwrap() {
            rows.extend(batch);
        }
        rows.sort_by_key(|row| format!("{row:?}"));
        out.push((table.name, rows));
    }
    out
}

/// A blog with an admin who registered through the site (a real password hash and a live
/// session), posts with a gap in their ids, comments, messages and a setting.
async fn a_lived_in_blog(db: &TestDb) -> Option<String> {
    let server = TestServer::start(db).await;
    let mut browser = Browser::new(&server);
    browser
        .register("Ada Admin", "ada@example.test", PASSWORD)
        .await;
    let cookie = browser.cookie.clone();
    drop(server);

    let pool = db.connect().await;
    let reader = seed::author(&pool, "Rory Ünïcode").await;
    // The reader uses two-factor sign-in, one recovery code spent.
    let secret = app::auth::two_factor::new_secret();
    db::two_factor::set_pending(&pool, reader, &secret)
        .await
        .unwrap();
    let hashes = ["a".repeat(64), "b".repeat(64)];
    let on = db::two_factor::enable(&pool, reader, &secret, 59_000_000, &hashes).await;
    assert!(on.unwrap().is_some());
    assert!(db::two_factor::use_recovery_code(&pool, reader, &hashes[0])
        .await
        .unwrap());
    let first = seed::post(&pool, 1, "First \"quoted\" post", seed::days_ago(3)).await;
    let gone = seed::post(&pool, 1, "A post that was deleted", seed::days_ago(2)).await;
    seed::post(&pool, 1, "A draft", None).await;
    assert!(db::posts::delete(&pool, &gone, None).await.unwrap());
    for (body, status) in [
        (
            "Nice post!\nSecond line <b>bold</b>",
            CommentStatus::Visible,
        ),
        ("ünïcödé & emoji 🎉", CommentStatus::Visible),
        ("Hidden by the admin", CommentStatus::Hidden),
        ("Awaiting approval", CommentStatus::Pending),
    ] {
        db::comments::create(&pool, &first, reader, body, status, None)
            .await
            .unwrap();
    }
    let message = NewMessage {
        name: "Visitor",
        email: "visitor@example.test",
        phone: "",
        body: "Hello there",
    };
    let forward = db::outbox::NewMail {
        kind: "contact",
        recipient: "owner@example.test",
        reply_to: None,
        subject: "Blog contact from Visitor",
        text_body: "Hello there",
        html_body: None,
        message_id: None,
        list_unsubscribe: None,
    };
    let id = db::site::add_message(&pool, &message, Some(forward))
        .await
        .unwrap();
    db::site::set_read(&pool, id, true).await.unwrap();
    let queued = db::outbox::claim(&pool, db::now(), 1).await.unwrap();
    db::outbox::mark_sent(&pool, queued.unwrap().id)
        .await
        .unwrap();
    db::site::set_setting(&pool, "about", "# About\nThis blog.")
        .await
        .unwrap();
    // Subscribers: one confirmed, mailed the first post; one pending; one unsubscribed.
    let email = |e: &str| app::domain::Email::parse(e).unwrap();
    db::subscribers::subscribe_confirmed(&pool, &email("sub@example.test"))
        .await
        .unwrap();
    seed::unconfirmed_subscriber(&pool, "pending@example.test", 'c', false).await;
    seed::unconfirmed_subscriber(&pool, "gone@example.test", 'e', true).await;
    let mut tx = pool.begin_write().await.unwrap();
    let post_id = db::posts::by_slug(&pool, &first).await.unwrap().unwrap().id;
    db::subscribers::want_newsletter(&mut tx, post_id, true)
        .await
        .unwrap();
    assert!(db::subscribers::take_newsletter(&mut tx, post_id)
        .await
        .unwrap());
    let (subscriber, _) = db::subscribers::confirmed(&mut tx).await.unwrap()[0].clone();
    let mailing = db::outbox::NewMail {
        kind: "post",
        recipient: "sub@example.test",
        reply_to: None,
        subject: "First",
        text_body: "Words",
        html_body: None,
        message_id: None,
        list_unsubscribe: None,
    };
    db::subscribers::queue_mailing(&mut tx, post_id, subscriber, &"d".repeat(64), &mailing)
        .await
        .unwrap();
    // An imported post's address on its old blog, whose redirect must move too.
    let old = app::domain::OldAddress::parse("/2024/05/first/").unwrap();
    db::import::old_address(&mut tx, &old, post_id)
        .await
        .unwrap();
    // The reader co-wrote the first post.
    db::coauthors::set_for_post(&mut tx, post_id, &[reader])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Text typed in the editor and not saved: a copy of the first post and one of a new post.
    for (post, body) in [
        (Some(post_id), "First, and a half-typed ä"),
        (None, "Unsaved\r\nnew"),
    ] {
        let text = app::domain::EditorText::parse("T", "", "", "Rust", body).unwrap();
        db::autosaves::keep(&pool, 1, post, post.map(|_| 1), &text)
            .await
            .unwrap();
    }
    // An uploaded image: a PNG signature, then every byte value, which must survive base64.
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(0..=255u8);
    let image = db::images::NewImage {
        sha256: &"ab".repeat(32),
        content_type: "image/png",
        bytes: &bytes,
        width: Some(3),
        height: None,
        uploader_id: 1,
    };
    assert!(db::images::store(&pool, &image).await.unwrap());
    pool.close().await;
    cookie
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_data_moves_a_blog_from_sqlite_to_postgresql_and_back() {
    let sqlite = TestDb::new(Kind::Sqlite).await;
    let cookie = a_lived_in_blog(&sqlite).await;
    let postgres = TestDb::new(Kind::Postgres).await;

    let out = run(
        None,
        &[
            "copy-data",
            "--from",
            &sqlite.url,
            "--to",
            &postgres.url,
            "--sessions",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("posts"), "{}", text(&out));
    assert!(!text(&out).contains("MISMATCH"), "{}", text(&out));

    let (from, to) = (sqlite.connect().await, postgres.connect().await);
    let copied = snapshot(&to).await;
    assert_eq!(snapshot(&from).await, copied);
    let posts = copied.iter().find(|(table, _)| *table == "posts").unwrap();
    assert_eq!(posts.1.len(), 2, "both remaining posts: {posts:?}");

    // The admin's account, password and session came along.
    let server = TestServer::start(&postgres).await;
    let mut same_session = Browser::with_cookie(&server, cookie);
    assert_eq!(same_session.whoami().await["role"], "Admin");
    let mut browser = Browser::new(&server);
    let reply = browser.login("ada@example.test", PASSWORD).await;
    assert!(reply.status < 400, "{} {}", reply.status, reply.body);
    drop(server);

    // New rows get fresh ids: the sequences were moved past the copied ones.
    let newer = seed::post(&to, 1, "Written after the move", seed::days_ago(0)).await;
    db::comments::create(&to, &newer, 1, "First!", CommentStatus::Visible, None)
        .await
        .unwrap();
    let reader = seed::author(&to, "New Reader").await;
    assert!(reader > 2, "new user id {reader}");

    // And back, into a new SQLite file.
    let back = TestDb::new(Kind::Sqlite).await;
    let out = run(
        None,
        &["copy-data", "--from", &postgres.url, "--to", &back.url],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(snapshot(&back.connect().await).await, snapshot(&to).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_data_refuses_a_target_with_content_unless_told_to_replace_it() {
    let source = TestDb::new(Kind::Sqlite).await;
    a_lived_in_blog(&source).await;
    let target = TestDb::new(Kind::Postgres).await;
    let pool = target.connect().await;
    seed::author(&pool, "Already Here").await;
    let before = snapshot(&pool).await;

    let out = run(
        None,
        &["copy-data", "--from", &source.url, "--to", &target.url],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("not empty"), "{}", text(&out));
    assert!(text(&out).contains("--replace"), "{}", text(&out));
    assert_eq!(snapshot(&pool).await, before, "the target was not touched");

    let out = run(
        None,
        &[
            "copy-data",
            "--from",
            &source.url,
            "--to",
            &target.url,
            "--replace",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        snapshot(&pool).await,
        snapshot(&source.connect().await).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_data_names_a_missing_source_and_never_prints_a_password() {
    let target = TestDb::new(Kind::Sqlite).await;
    let missing = target.dir.path().join("posts.db");
    let out = run(
        None,
        &[
            "copy-data",
            "--from",
            &format!("sqlite://{}", missing.display()),
            "--to",
            &target.url,
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("no SQLite database"), "{}", text(&out));
    assert!(!missing.exists(), "the missing source was not created");

    target.connect().await.close().await;
    let out = run(
        None,
        &[
            "copy-data",
            "--from",
            &target.url,
            "--to",
            "postgres://quire:s3cret-pw@127.0.0.1:1/quire",
        ],
    );
    assert!(!out.status.success());
    assert!(!text(&out).contains("s3cret-pw"), "{}", text(&out));
    assert!(text(&out).contains("--to"), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_import_export_gives_the_same_file_on_both_backends() {
    let sqlite = TestDb::new(Kind::Sqlite).await;
    a_lived_in_blog(&sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.jsonl");
    let out = run(Some(&sqlite.url), &["export", first.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    let postgres = TestDb::new(Kind::Postgres).await;
    let out = run(Some(&postgres.url), &["import", first.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let second = dir.path().join("second.jsonl");
    let out = run(Some(&postgres.url), &["export", second.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    let (a, b) = (
        std::fs::read_to_string(&first).unwrap(),
        std::fs::read_to_string(&second).unwrap(),
    );
    assert_eq!(a, b);
    assert!(a.starts_with(r#"{"format":"quire-export""#), "{a}");
    assert!(a.contains("emoji 🎉"), "{a}");
    assert!(
        a.contains(r#""status":"hidden""#) && a.contains(r#""status":"pending""#),
        "comments keep their moderation status: {a}"
    );
    assert!(!a.contains("quire_session"), "sessions are not exported");
    assert!(
        a.contains(r#""table":"images""#) && a.contains(r#""content_type":"image/png""#),
        "images are exported: {a}"
    );
    assert_eq!(
        snapshot(&sqlite.connect().await).await,
        snapshot(&postgres.connect().await).await
    );

    // The imported blog works: the admin logs in, new posts get new ids.
    let server = TestServer::start(&postgres).await;
    let reply = Browser::new(&server)
        .login("ada@example.test", PASSWORD)
        .await;
    assert!(reply.status < 400, "{} {}", reply.status, reply.body);
    seed::post(
        &postgres.connect().await,
        1,
        "After the import",
        seed::days_ago(0),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_refuses_a_damaged_or_incomplete_file_and_imports_nothing() {
    let source = TestDb::new(Kind::Sqlite).await;
    a_lived_in_blog(&source).await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("backup.jsonl");
    assert!(run(Some(&source.url), &["export", good.to_str().unwrap()])
        .status
        .success());
    let content = std::fs::read_to_string(&good).unwrap();
    let lines: Vec<&str> = content.lines().collect();

    let cut = lines[..lines.len() - 1].join("\n");
    let edited = content.replace("Hello there", "Hello, edited");
    let out_of_order = {
        let mut l = lines.clone();
        l.swap(1, lines.len() - 2);
        l.join("\n")
    };
    for (name, text_of, expected) in [
        ("cut", cut.as_str(), "incomplete"),
        ("edited", edited.as_str(), "damaged"),
        ("out-of-order", out_of_order.as_str(), "out of order"),
        ("not-ours", "{\"hello\":1}\n", "not a Quire export"),
    ] {
        for kind in [Kind::Sqlite, Kind::Postgres] {
            let target = TestDb::new(kind).await;
            let file = dir.path().join(name);
            std::fs::write(&file, text_of).unwrap();
            let out = run(Some(&target.url), &["import", file.to_str().unwrap()]);
            assert!(!out.status.success(), "{name} was imported");
            assert!(text(&out).contains(expected), "{name}: {}", text(&out));
            let after = snapshot(&target.connect().await).await;
            assert!(
                after.iter().all(|(_, rows)| rows.is_empty()),
                "{name} left rows behind on {kind:?}: {after:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_refuses_a_database_with_content_unless_told_to_replace_it() {
    let source = TestDb::new(Kind::Postgres).await;
    a_lived_in_blog(&source).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.jsonl");
    assert!(run(Some(&source.url), &["export", file.to_str().unwrap()])
        .status
        .success());

    let target = TestDb::new(Kind::Sqlite).await;
    let pool = target.connect().await;
    seed::author(&pool, "Already Here").await;
    let out = run(Some(&target.url), &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not empty"), "{}", text(&out));
    let out = run(
        Some(&target.url),
        &["import", "--replace", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        snapshot(&pool).await,
        snapshot(&source.connect().await).await
    );
}

/// A backup written before comments had a status (by a Quire older than migration 0004)
/// still imports, on both backends: its comments come in visible, as they were then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_takes_a_backup_from_before_comment_moderation() {
    let source = TestDb::new(Kind::Sqlite).await;
    a_lived_in_blog(&source).await;
    let dir = tempfile::tempdir().unwrap();
    let current = dir.path().join("current.jsonl");
    assert!(
        run(Some(&source.url), &["export", current.to_str().unwrap()])
            .status
            .success()
    );
    let old = dir.path().join("before-0004.jsonl");
    let content = without_comment_status(&std::fs::read_to_string(&current).unwrap());
    let header: serde_json::Value = serde_json::from_str(content.lines().next().unwrap()).unwrap();
    let comment_columns = header["tables"]["comments"].as_array().unwrap();
    assert!(!comment_columns.iter().any(|c| c == "status"), "{content}");
    assert!(!content.contains("\"status\":\"visible\""), "{content}");
    std::fs::write(&old, content).unwrap();

    let comments_of = |tables: Vec<(&'static str, Vec<Vec<Value>>)>| {
        tables
            .into_iter()
            .find(|(name, _)| *name == "comments")
            .expect("comments are exported")
            .1
    };
    let expected = comments_of(snapshot(&source.connect().await).await).len();
    let status = comments_table()
        .columns
        .iter()
        .position(|c| c.name == "status")
        .unwrap();
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let target = TestDb::new(kind).await;
        let out = run(Some(&target.url), &["import", old.to_str().unwrap()]);
        assert!(out.status.success(), "{kind:?}: {}", text(&out));
        let comments = comments_of(snapshot(&target.connect().await).await);
        assert_eq!(comments.len(), expected, "{kind:?}");
        for row in &comments {
            assert_eq!(
                row[status],
                Value::Text("visible".into()),
                "{kind:?}: {row:?}"
            );
        }
    }
}

/// An export as a Quire without comment statuses wrote it: no `status` column for comments
/// in the header or the rows, and the trailer's checksum over the columns that remain.
fn without_comment_status(export: &str) -> String {
    use serde_json::Value as Json;
    let table = comments_table();
    let mut lines: Vec<Json> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let columns = lines[0]["tables"]["comments"].as_array_mut().unwrap();
    columns.retain(|c| c != "status");
    let names: Vec<String> = columns
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let mut checksum = transfer::Checksum::default();
    let last = lines.len() - 1;
    for line in &mut lines[1..last] {
        if line["table"] == "comments" {
            let row = line["row"].as_object_mut().unwrap();
            row.remove("status");
            let values: Vec<Value> = names
                .iter()
                .map(|n| Value::from_json(table.column(n).unwrap().kind, &row[n]).unwrap())
                .collect();
            checksum.add(&values);
        }
    }
    lines[last]["end"]["comments"]["checksum"] = checksum.hex().into();
    let mut out: Vec<String> = lines.iter().map(Json::to_string).collect();
    out.push(String::new());
    out.join("\n")
}

fn comments_table() -> &'static transfer::Table {
    transfer::CONTENT
        .iter()
        .find(|t| t.name == "comments")
        .expect("comments are content")
}

/// `quire demo` with size options, as the benchmark seeds its datasets.
async fn demo_fills_a_blog_of_the_requested_size(db: TestDb) {
    let args = [
        "demo",
        "--posts",
        "3",
        "--body-bytes",
        "3000",
        "--users",
        "4",
        "--comments",
        "6",
    ];
    for _ in 0..2 {
        let out = run(Some(&db.url), &args);
        assert!(out.status.success(), "{}", text(&out));
    }
    let tables = snapshot(&db.connect().await).await;
    let rows = |name: &str| {
        &tables
            .iter()
            .find(|(table, _)| *table == name)
            .unwrap_or_else(|| panic!("no table {name}"))
            .1
    };
    let (users, posts, comments) = (rows("users"), rows("posts"), rows("comments"));
    assert_eq!(users.len(), 5, "the author and 4 readers, once");
    assert_eq!(posts.len(), 3, "posts are added once");
    let Value::Text(body) = &posts[0][5] else {
        panic!("a body: {:?}", posts[0])
    };
    assert!((3000..6000).contains(&body.len()), "{} bytes", body.len());
    assert_eq!(comments.len(), 12, "comments are added on every run");
    let newest = posts
        .iter()
        .map(|p| p[0].clone())
        .max_by_key(|id| format!("{id:?}"));
    assert!(comments.iter().all(|c| Some(&c[1]) == newest.as_ref()));
}
