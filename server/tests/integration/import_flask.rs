//! `quire import-flask`: a blog made by the real Flask course app (the fixtures in
//! tests/fixtures/flask, built by Flask-SQLAlchemy and Werkzeug) moves in whole — users who
//! log in with their Flask passwords, posts at their old addresses, comments — or not at all.

use std::path::{Path, PathBuf};
use std::process::Output;

use app::db::Db;
use sha2::{Digest, Sha256};
use sqlx::{Connection, Executor, PgConnection};

use crate::support::server::quire;
use crate::support::{both, html, Browser, Kind, Reply, TestDb, TestServer};

both!(
    imports_the_flask_blog_and_its_readers_log_in,
    imports_the_same_blog_from_postgresql,
    a_dry_run_lists_every_problem_and_writes_nothing,
    a_damaged_row_leaves_the_target_as_it_was,
    a_second_import_is_refused_unless_it_replaces,
    an_early_lessons_blog_gets_accounts_for_its_author_names,
);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/flask")
        .join(name)
}

/// Runs `quire import-flask ARGS` into `db`, from `db`'s folder.
fn import(db: &TestDb, args: &[&str]) -> Output {
    quire()
        .current_dir(db.dir.path())
        .env("DATABASE_URL", &db.url)
        .arg("import-flask")
        .args(args)
        .output()
        .expect("run quire import-flask")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn imported(db: &TestDb, from: &str, extra: &[&str]) -> String {
    let mut args = vec!["--from", from];
    args.extend_from_slice(extra);
    let out = import(db, &args);
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

/// Each row of `sql` as text (the query casts what it selects), on either backend.
async fn rows(db: &Db, sql: &str) -> Vec<Vec<Option<String>>> {
    use sqlx::Row as _;
    match db {
        Db::Sqlite(pool) => sqlx::query(sql)
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
            .collect(),
        Db::Postgres(pool) => sqlx::query(sql)
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
            .collect(),
    }
}

async fn one(db: &Db, sql: &str) -> String {
    rows(db, sql).await[0][0].clone().unwrap_or_default()
}

fn file_digest(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

async fn imports_the_flask_blog_and_its_readers_log_in(db: TestDb) {
    // The Flask app's own DB_URI, from the app's folder: Flask-SQLAlchemy 3 keeps the file
    // in instance/.
    let instance = db.dir.path().join("instance");
    std::fs::create_dir(&instance).unwrap();
    std::fs::copy(fixture("posts.db"), instance.join("posts.db")).unwrap();
    let before = file_digest(&instance.join("posts.db"));
    let out = imported(&db, "sqlite:///posts.db", &[]);
    assert!(out.contains("instance/posts.db"), "says which file: {out}");
    for line in [
        "users: 8",
        "admins: 1 (admin@flaskblog.test)",
        "posts: 8",
        "comments: 8",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    // Each imported post is its first revision.
    let kept = "SELECT COUNT(*) FROM post_revisions r JOIN posts p ON p.id = r.post_id
                WHERE r.number = 1 AND r.body = p.body";
    assert_eq!(crate::support::count(&db, kept).await, 8);
    assert_eq!(
        file_digest(&instance.join("posts.db")),
        before,
        "the source is never changed"
    );

    let pool = db.connect().await;
    let users = rows(
        &pool,
        "SELECT CAST(id AS TEXT), email, role, substr(password_hash, 1, 7) FROM users ORDER BY id",
    )
    .await;
    let user = |i: usize| {
        users[i]
            .iter()
            .map(|v| v.clone().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(users.len(), 8);
    assert_eq!(user(0), ["1", "admin@flaskblog.test", "admin", "pbkdf2:"]);
    assert_eq!(user(1), ["2", "rory@flaskblog.test", "reader", "scrypt:"]);
    assert_eq!(
        user(4)[1],
        "zoe@flaskblog.test",
        "emails stored as Quire stores them"
    );
    assert_eq!(
        user(5)[1],
        "flask-user-6@import.invalid",
        "the case duplicate"
    );
    assert_eq!(user(6)[3], "!", "a plain-text password cannot be kept");

    let posts = rows(
        &pool,
        "SELECT CAST(id AS TEXT), slug, body_format, cover_url, title FROM posts ORDER BY id",
    )
    .await;
    let ids: Vec<_> = posts.iter().map(|p| p[0].clone().unwrap()).collect();
    assert_eq!(
        ids,
        ["1", "2", "3", "5", "6", "7", "8", "9"],
        "ids kept, gap too"
    );
    assert!(posts.iter().all(|p| p[2].as_deref() == Some("html")));
    assert_eq!(
        posts[5][1].as_deref(),
        Some("hello-world-2"),
        "slugs told apart"
    );
    assert_eq!(posts[7][3], None, "a relative image is no cover");
    let long_title = posts[3][4].clone().unwrap();
    assert!(long_title.chars().count() <= 200 && long_title.ends_with('…'));
    for problem in [
        "post 5: its title is 240 characters",
        "post 7: its title makes the same address as post 6's",
        "post 8: its date \"sometime last spring\"",
        "post 9: its image \"static/assets/img/rory.jpg\"",
        "user 6: ZOE@flaskblog.test is user 5's address in another case",
        "user 7: the password cannot be kept",
        "post 3: shown without scripts",
    ] {
        assert!(out.contains(problem), "{problem}: {out}");
    }
    assert!(
        !out.contains("hunter2"),
        "passwords are never printed: {out}"
    );
    let comment_times = rows(
        &pool,
        "SELECT CAST(c.id AS TEXT) FROM comments c JOIN posts p ON p.id = c.post_id
         WHERE c.created_at = p.published_at ORDER BY c.id",
    )
    .await;
    assert_eq!(comment_times.len(), 8, "comments are dated like their post");

    let server = TestServer::start(&db).await;
    // Old addresses lead to the posts.
    let reply = server
        .client
        .get(server.url("/post/3"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 308);
    assert_eq!(reply.headers()["location"], "/posts/hostile-html");
    let mut visitor = Browser::new(&server);
    let page = visitor.page("/posts/hostile-html").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Before") && page.body.contains("After"));
    assert!(page.body.contains("fine link"));
    for hostile in [
        "post-script",
        "post-onerror",
        "post-js",
        "post-onclick",
        "comment-script",
        "comment-onerror",
    ] {
        assert!(!page.body.contains(hostile), "{hostile} survived");
    }
    assert!(
        html::active_content(&page.body).is_empty(),
        "{:?}",
        html::active_content(&page.body)
    );
    let cactus = visitor.page("/posts/the-life-of-cactus").await;
    for tag in [
        "<h2",
        "<table",
        "<blockquote",
        "<strong>",
        "<ol>",
        "<sup>",
        "<pre>",
    ] {
        assert!(cactus.body.contains(tag), "{tag} kept");
    }
    assert!(!cactus.body.contains("<iframe"), "embeds are not carried");
    assert!(cactus.body.contains("prickly pear"));
    assert!(
        cactus
            .body
            .contains("I grow a <em>prickly pear</em> myself."),
        "comments as HTML"
    );
    let home = visitor.page("/").await;
    assert!(home.body.contains("The Life of Cactus"));

    // The Flask admin logs in with the Flask password and may write posts.
    let mut admin = Browser::new(&server);
    let reply = admin.login("Admin@FlaskBlog.test", "admin-pass-1").await;
    assert!(reply.status < 400, "{} {}", reply.status, reply.body);
    assert_eq!(admin.whoami().await["role"], "Admin");
    let editor = admin.page("/admin/posts/new").await;
    assert!(editor.body.contains("New post"), "{}", editor.body);
    let hash = one(&pool, "SELECT password_hash FROM users WHERE id = 1").await;
    assert!(
        hash.starts_with("$argon2id$"),
        "moved to argon2id at login: {hash}"
    );
    admin.call("logout", &[]).await;
    let again = admin.login("admin@flaskblog.test", "admin-pass-1").await;
    assert!(again.status < 400, "and logs in on the new hash");

    // A reader with Werkzeug's default scrypt hash, one with a non-ASCII password, and every
    // pbkdf2 cost Werkzeug has used.
    for (email, password) in [
        ("rory@flaskblog.test", "rory-pass-22"),
        ("zoe@flaskblog.test", "zoë-pässwörd-5"),
        ("olga@flaskblog.test", "olga-pass-333"),
        ("mia@flaskblog.test", "mia-pass-4444"),
        ("sam@flaskblog.test", "sam-pass-88888"),
    ] {
        let mut reader = Browser::new(&server);
        let reply = reader.login(email, password).await;
        assert!(
            reply.status < 400,
            "{email}: {} {}",
            reply.status,
            reply.body
        );
        assert_eq!(reader.whoami().await["email"], email);
    }
    let upgraded = one(
        &pool,
        "SELECT CAST(COUNT(*) AS TEXT) FROM users WHERE password_hash LIKE '$argon2id$%'",
    )
    .await;
    assert_eq!(upgraded, "6");

    // A wrong password on a legacy hash gets the answer any wrong password gets.
    let mut stranger = Browser::new(&server);
    let legacy = stranger
        .login("olga@flaskblog.test", "wrong password")
        .await;
    let modern = stranger
        .login("rory@flaskblog.test", "wrong password")
        .await;
    let unknown = stranger
        .login("nobody@flaskblog.test", "wrong password")
        .await;
    let answer = |reply: &Reply, email: &str| (reply.status, reply.body.replace(email, "EMAIL"));
    let legacy = answer(&legacy, "olga@flaskblog.test");
    assert_eq!(legacy.0, 401, "{}", legacy.1);
    assert_eq!(legacy, answer(&modern, "rory@flaskblog.test"));
    assert_eq!(legacy, answer(&unknown, "nobody@flaskblog.test"));
    let mut plain = Browser::new(&server);
    assert_eq!(
        plain.login("plain@flaskblog.test", "hunter2").await.status,
        401
    );

    // What is written next follows the imported ids.
    let reply = admin.publish("Written in Quire", "After the move.").await;
    assert!(reply.status < 400, "{}", reply.body);
    let id = one(
        &pool,
        "SELECT CAST(id AS TEXT) FROM posts WHERE slug = 'written-in-quire'",
    )
    .await;
    assert_eq!(id, "10");
}

/// Loads the PostgreSQL copy of the fixture (pg_dump of the same blog, written by the same
/// Flask app) into a database of its own and returns its URL as SQLAlchemy spells it.
async fn flask_blog_on_postgresql(source: &TestDb) -> String {
    let dump = std::fs::read_to_string(fixture("posts.postgres.sql")).unwrap();
    let mut conn = PgConnection::connect(&source.url).await.unwrap();
    conn.execute(sqlx::raw_sql(&dump)).await.unwrap();
    conn.close().await.unwrap();
    source
        .url
        .replacen("postgres://", "postgresql+psycopg2://", 1)
}

async fn imports_the_same_blog_from_postgresql(db: TestDb) {
    let source = TestDb::new(Kind::Postgres).await;
    let url = flask_blog_on_postgresql(&source).await;
    let out = imported(&db, &url, &[]);
    assert!(out.contains("PostgreSQL database"), "{out}");
    for line in ["users: 8", "posts: 8", "comments: 8"] {
        assert!(out.contains(line), "{line}: {out}");
    }
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    let reply = admin.login("admin@flaskblog.test", "admin-pass-1").await;
    assert!(reply.status < 400, "{} {}", reply.status, reply.body);
    let mut reader = Browser::new(&server);
    let reply = reader.login("rory@flaskblog.test", "rory-pass-22").await;
    assert!(
        reply.status < 400,
        "scrypt in a widened column: {}",
        reply.body
    );
    let (status, body) = server.get("/posts/café-crème-ünïcode-日本語").await;
    assert_eq!(status, 200);
    assert!(body.contains("naïve résumé"), "{body}");
}

async fn a_dry_run_lists_every_problem_and_writes_nothing(db: TestDb) {
    let out = imported(&db, fixture("posts.db").to_str().unwrap(), &["--dry-run"]);
    assert!(out.contains("Dry run: nothing was written"), "{out}");
    assert!(out.contains("posts: 8"), "{out}");
    assert!(
        out.contains("post 8: its date \"sometime last spring\""),
        "{out}"
    );
    assert!(out.contains("user 7: the password cannot be kept"), "{out}");
    // Not even opened: no SQLite file, no tables.
    match db.kind {
        Kind::Sqlite => assert!(!db.dir.path().join("quire.db").exists()),
        Kind::Postgres => {
            let mut conn = PgConnection::connect(&db.url).await.unwrap();
            let tables: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_one(&mut conn)
            .await
            .unwrap();
            assert_eq!(tables, 0);
        }
    }
}

/// A copy of the fixture with one more comment at the end whose author id is not a number
/// (SQLite lets any column hold any text): the import gets that far, then must stop.
async fn damaged_copy(dir: &Path) -> PathBuf {
    let path = dir.join("damaged.db");
    std::fs::copy(fixture("posts.db"), &path).unwrap();
    // As Flask-SQLAlchemy leaves SQLite: foreign keys not enforced.
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .foreign_keys(false);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO comments (id, text, author_id, post_id) VALUES (99, '<p>x</p>', 'abc', 1)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    path
}

async fn a_damaged_row_leaves_the_target_as_it_was(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut admin = Browser::new(&server);
    admin
        .register("Kept Admin", "kept@example.com", "kept password 1")
        .await;
    assert!(admin.publish("Kept post", "Still here.").await.status < 400);
    drop(server);
    let source = damaged_copy(db.dir.path()).await;
    let before = file_digest(&source);

    let out = import(&db, &["--from", source.to_str().unwrap(), "--replace"]);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("comment 99: its author_id is \"abc\""),
        "{said}"
    );
    assert!(said.contains("Nothing was written"), "{said}");
    let pool = db.connect().await;
    assert_eq!(one(&pool, "SELECT title FROM posts").await, "Kept post");
    assert_eq!(
        one(&pool, "SELECT CAST(COUNT(*) AS TEXT) FROM users").await,
        "1"
    );
    assert_eq!(file_digest(&source), before);

    // A dry run shows it first, and fails too.
    let out = import(&db, &["--from", source.to_str().unwrap(), "--dry-run"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("Damaged rows"), "{}", text(&out));
}

async fn a_second_import_is_refused_unless_it_replaces(db: TestDb) {
    let from = fixture("posts.db");
    let from = from.to_str().unwrap();
    imported(&db, from, &[]);
    let out = import(&db, &["--from", from]);
    assert!(!out.status.success());
    assert!(text(&out).contains("is not empty"), "{}", text(&out));
    let out = imported(&db, from, &["--replace"]);
    assert!(out.contains("posts: 8"), "{out}");
    let pool = db.connect().await;
    assert_eq!(
        one(&pool, "SELECT CAST(COUNT(*) AS TEXT) FROM posts").await,
        "8"
    );
}

async fn an_early_lessons_blog_gets_accounts_for_its_author_names(db: TestDb) {
    let out = imported(&db, fixture("posts-early.db").to_str().unwrap(), &[]);
    assert!(out.contains("no users table"), "{out}");
    assert!(out.contains("no comments table"), "{out}");
    assert!(out.contains("posts: 3"), "{out}");
    assert!(out.contains("+2 made for authors"), "{out}");
    let pool = db.connect().await;
    let authors = rows(
        &pool,
        "SELECT u.name FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.id",
    )
    .await;
    let names: Vec<_> = authors.into_iter().map(|r| r[0].clone().unwrap()).collect();
    assert_eq!(names, ["Angela Yu", "Jack Bauer", "Angela Yu"]);
    // Nobody is admin yet: the first to register becomes it.
    let server = TestServer::start(&db).await;
    let mut first = Browser::new(&server);
    first
        .register("New Owner", "owner@example.com", "owner password 1")
        .await;
    assert_eq!(first.whoami().await["role"], "Admin");
}
