//! The page cache: anonymous readers get kept pages, and never a stale one — whatever
//! changed the blog, and through whichever instance.

use std::time::Duration;

use app::domain::CommentStatus::Visible;
use chrono::TimeDelta;

use crate::support::smtp::{mail_settings, SmtpSink};
use crate::support::{
    admin_and_reader, both, seed, without_hydration_markers, Browser, TestDb, TestServer,
};

both!(
    anonymous_pages_are_kept_revalidated_and_compressed,
    any_change_readers_could_see_retires_kept_pages,
    changes_that_show_nowhere_keep_the_pages,
    the_admin_never_gets_or_leaves_kept_pages,
    logged_in_readers_share_one_rendering_each_with_their_own_name,
    a_readers_own_comments_are_rendered_for_them_alone,
    on_a_blog_that_mails_each_reader_gets_their_own_address,
    a_comment_made_through_one_instance_reaches_readers_of_another,
    a_scheduled_post_reaches_kept_pages_when_its_time_comes,
    a_burst_of_readers_of_a_new_page_waits_for_one_rendering,
);

struct Fetched {
    status: u16,
    cache: Option<String>,
    etag: Option<String>,
    csp: Option<String>,
    encoding: Option<String>,
    body: Vec<u8>,
}

impl Fetched {
    /// The body, without the empty comments written for hydration.
    fn text(&self) -> String {
        without_hydration_markers(&String::from_utf8(self.body.clone()).unwrap())
    }
}

async fn fetch(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> Fetched {
    let mut request = server.client.get(server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let reply = request.send().await.unwrap();
    let header = |name: &str| {
        reply
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    Fetched {
        status: reply.status().as_u16(),
        cache: header("x-quire-cache"),
        etag: header("etag"),
        csp: header("content-security-policy"),
        encoding: header("content-encoding"),
        body: reply.bytes().await.unwrap().to_vec(),
    }
}

/// Fetches `path` until it comes from the cache (the first request may render it), and
/// returns that response.
async fn kept(server: &TestServer, path: &str) -> Fetched {
    fetch(server, path, &[]).await;
    let page = fetch(server, path, &[]).await;
    assert_eq!(page.status, 200, "{path}");
    assert_eq!(page.cache.as_deref(), Some("hit"), "{path} was not kept");
    page
}

/// How many SQL statements the server has logged, counted once its log has been quiet for
/// a moment: the log arrives through a pipe, so a request's last lines may still be on the
/// way when its response is (counting too early moved one into the next request's count).
async fn statements_logged(server: &TestServer) -> usize {
    let count = || {
        server
            .log()
            .lines()
            .filter(|l| l.contains("sqlx::query") && !l.to_uppercase().contains("PRAGMA"))
            .count()
    };
    let mut last = count();
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = count();
        if now == last {
            return now;
        }
        last = now;
    }
}

/// The page's script nonce, from its Content-Security-Policy header.
fn nonce(page: &Fetched) -> String {
    let csp = page.csp.as_deref().expect("a page has a CSP");
    let start = csp.find("'nonce-").expect("the CSP names a nonce") + 7;
    csp[start..start + csp[start..].find('\'').unwrap()].to_owned()
}

async fn anonymous_pages_are_kept_revalidated_and_compressed(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let slug = seed::post(&pool, ada, "Kept post", seed::days_ago(1)).await;
    let server = TestServer::process_with(&db, &[("RUST_LOG", "info,sqlx::query=debug")]).await;

    let first = fetch(&server, "/", &[]).await;
    assert_eq!((first.status, first.cache.as_deref()), (200, Some("miss")));
    let second = kept(&server, "/").await;
    assert_eq!(second.body, first.body, "a kept page is the page rendered");
    assert_eq!(second.etag, first.etag);
    // The nonce of a kept page is the one its scripts carry.
    let script_nonce = format!("nonce=\"{}\"", nonce(&second));
    assert!(second.text().contains(&script_nonce));

    // Serving a kept page asks the database one thing: whether it is still right.
    let before = statements_logged(&server).await;
    kept(&server, &format!("/posts/{slug}")).await;
    let rendering = statements_logged(&server).await - before;
    let before = statements_logged(&server).await;
    fetch(&server, &format!("/posts/{slug}"), &[]).await;
    let hit = statements_logged(&server).await - before;
    assert_eq!(hit, 1, "a hit runs one statement");
    assert!(rendering > 2, "rendering ran {rendering}");

    let etag = second.etag.clone().expect("kept pages carry an ETag");
    let revalidated = fetch(&server, "/", &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, 304);
    assert!(revalidated.body.is_empty());
    let other = fetch(&server, "/", &[("if-none-match", "W/\"other\"")]).await;
    assert_eq!(other.status, 200);

    let brotli = fetch(&server, "/", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(brotli.encoding.as_deref(), Some("br"));
    let gzip = fetch(&server, "/", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.encoding.as_deref(), Some("gzip"));
    assert!(
        brotli.body.len() * 2 < first.body.len(),
        "{} of {}",
        brotli.body.len(),
        first.body.len()
    );
    assert!(gzip.body.len() * 2 < first.body.len());
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&gzip.body[..]),
        &mut decoded,
    )
    .unwrap();
    assert_eq!(decoded, first.body);
}

async fn any_change_readers_could_see_retires_kept_pages(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let slug = seed::post(&pool, ada, "Changing post", seed::days_ago(1)).await;
    let server = TestServer::start(&db).await;
    let post = format!("/posts/{slug}");

    // Each change is made behind the server's back, in SQL, as an import or another tool
    // would: the triggers, not the request handlers, retire the kept pages.
    let changes: [(&str, &str, &str); 5] = [
        (
            "/",
            "INSERT INTO settings (key, value, updated_at) VALUES ('about', 'About text', '2026-01-01T00:00:00Z')",
            "",
        ),
        ("/", "UPDATE posts SET title = 'Renamed post'", "Renamed post"),
        (&post, "UPDATE users SET name = 'Ada Lovelace'", "Ada Lovelace"),
        (&post, "UPDATE posts SET body = 'A new body.'", "A new body."),
        ("/", "DELETE FROM posts", "No posts yet"),
    ];
    let before = kept(&server, &post).await;
    app::db::comments::create(&pool, &slug, ada, "A fresh comment", Visible, None)
        .await
        .unwrap();
    let after = fetch(&server, &post, &[]).await;
    assert_eq!(after.cache.as_deref(), Some("miss"));
    assert!(after.text().contains("A fresh comment"));
    assert_ne!(
        nonce(&before),
        nonce(&after),
        "a new rendering, a new nonce"
    );

    for (path, sql, shown) in changes {
        kept(&server, path).await;
        execute(&pool, sql).await;
        let page = fetch(&server, path, &[]).await;
        assert_eq!(page.cache.as_deref(), Some("miss"), "after {sql}");
        assert!(page.text().contains(shown), "{path} after {sql}");
    }
}

async fn changes_that_show_nowhere_keep_the_pages(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Quiet post", seed::days_ago(1)).await;
    let server = TestServer::start(&db).await;
    kept(&server, "/").await;
    // A new account, a password change, a contact message: nothing a page shows.
    let mut reader = Browser::new(&server);
    reader
        .register("Reader", "reader@example.com", "correct horse battery")
        .await;
    execute(
        &pool,
        "UPDATE users SET password_hash = '!' WHERE name = 'Reader'",
    )
    .await;
    execute(
        &pool,
        "INSERT INTO messages (name, email, phone, body, created_at) \
         VALUES ('N', 'n@example.com', '', 'Hello', '2026-01-01T00:00:00Z')",
    )
    .await;
    let page = fetch(&server, "/", &[]).await;
    assert_eq!(page.cache.as_deref(), Some("hit"));
}

async fn the_admin_never_gets_or_leaves_kept_pages(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    admin.publish("Members post", "Body.").await;
    kept(&server, "/").await;

    let mine = admin.page("/").await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("Log out"), "the admin's own header");
    let anonymous = fetch(&server, "/", &[]).await;
    assert_eq!(anonymous.cache.as_deref(), Some("hit"));
    assert!(!anonymous.text().contains("Log out"));

    let cookie = admin.cookie.clone().unwrap();
    let raw = fetch(&server, "/", &[("cookie", &cookie)]).await;
    assert_eq!(raw.cache, None, "the admin's request bypasses the cache");
    assert!(raw.text().contains("Log out"));
    assert!(raw.text().contains("New post"));
}

/// The header's link to a reader's account, which carries their name.
fn account_link(name: &str) -> String {
    format!(
        "class=\"account-link\">{}</a>",
        html_escape::encode_text(name)
    )
}

fn gunzip(gzip: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gzip)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

async fn logged_in_readers_share_one_rendering_each_with_their_own_name(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, reader) = admin_and_reader(&server).await;
    let slug = "read-by-readers";
    assert_eq!(admin.publish("Read by readers", "Body.").await.status, 200);
    let mut other = Browser::new(&server);
    let hostile = "Bo <b>&\"Zed\"";
    other
        .register(hostile, "bo@example.com", "correct horse battery")
        .await;
    let cookie = |b: &Browser<'_>| b.cookie.clone().unwrap();

    for path in ["/", &format!("/posts/{slug}"), "/about"] {
        let first = fetch(&server, path, &[("cookie", &cookie(&reader))]).await;
        assert_eq!(first.status, 200, "{path}");
        assert_eq!(first.cache.as_deref(), Some("miss"), "{path}");
        assert!(first.text().contains(&account_link("Reader")), "{path}");
        assert!(first.text().contains("Log out"));

        let second = fetch(&server, path, &[("cookie", &cookie(&other))]).await;
        assert_eq!(second.cache.as_deref(), Some("hit"), "{path}");
        let text = second.text();
        assert!(
            text.contains(&account_link(hostile)),
            "{path}: escaped name"
        );
        assert!(!text.contains("<b>&"), "{path}: the name is escaped");
        assert!(
            !text.contains(&account_link("Reader")),
            "{path}: not the first reader's"
        );
        assert!(
            !text.contains("stand-in-"),
            "{path}: the stand-in never shows"
        );
        assert!(!text.contains("New post"), "{path}: no admin controls");
        assert_eq!(
            second.etag, None,
            "{path}: a reader's page has no validator"
        );

        let gzip = fetch(
            &server,
            path,
            &[("cookie", &cookie(&other)), ("accept-encoding", "br, gzip")],
        )
        .await;
        assert_eq!(gzip.encoding.as_deref(), Some("gzip"), "{path}");
        assert_eq!(
            gunzip(&gzip.body),
            second.body,
            "{path}: gzip holds the same page"
        );
    }
    let reply = server
        .client
        .get(server.url("/"))
        .header("cookie", cookie(&other))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.headers()["cache-control"], "private, no-store");

    // Their account, and the admin's pages, are theirs alone.
    let account = fetch(&server, "/account", &[("cookie", &cookie(&other))]).await;
    assert_eq!(account.cache, None);
    let admins = fetch(&server, "/", &[("cookie", &cookie(&admin))]).await;
    assert_eq!(admins.cache, None);
    assert!(admins.text().contains(&account_link("Admin")));
    let anonymous = fetch(&server, "/", &[]).await;
    assert!(!anonymous.text().contains("Log out"));
}

async fn a_readers_own_comments_are_rendered_for_them_alone(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    let slug = "commented-post";
    assert_eq!(admin.publish("Commented post", "Body.").await.status, 200);
    let mut other = Browser::new(&server);
    other
        .register("Other", "other@example.com", "correct horse battery")
        .await;
    let path = format!("/posts/{slug}");
    let other_cookie = other.cookie.clone().unwrap();
    fetch(&server, &path, &[("cookie", &other_cookie)]).await;
    assert_eq!(
        fetch(&server, &path, &[("cookie", &other_cookie)])
            .await
            .cache
            .as_deref(),
        Some("hit")
    );

    let said = reader
        .call(
            "comments/add",
            &[("slug", slug), ("body", "Mine to delete")],
        )
        .await;
    assert_eq!(said.status, 200, "{}", said.body);
    let mine = fetch(
        &server,
        &path,
        &[("cookie", reader.cookie.as_ref().unwrap())],
    )
    .await;
    assert_eq!(mine.cache, None, "rendered for its commenter");
    assert!(mine.text().contains("Mine to delete"));
    assert!(mine.text().contains("Delete comment"));
    let theirs = fetch(&server, &path, &[("cookie", &other_cookie)]).await;
    // Rendered anew once the comment was in (by the commenter's request, which keeps it for
    // the others and renders its own).
    assert!(theirs.cache.is_some(), "shared");
    assert!(
        theirs.text().contains("Mine to delete"),
        "the comment retired the page"
    );
    assert!(
        !theirs.text().contains("Delete comment"),
        "not theirs to delete"
    );

    // A comment held for approval shows to its author alone.
    let reply = admin.call("admin/comments/hold", &[("hold", "true")]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let held = other
        .call(
            "comments/add",
            &[("slug", slug), ("body", "Awaiting my turn")],
        )
        .await;
    assert_eq!(held.status, 200, "{}", held.body);
    let own = fetch(&server, &path, &[("cookie", &other_cookie)]).await;
    assert_eq!(own.cache, None);
    assert!(own.text().contains("Awaiting my turn"));
    let reader_cookie = reader.cookie.clone().unwrap();
    let mut third = Browser::new(&server);
    third
        .register("Third", "third@example.com", "correct horse battery")
        .await;
    for cookie in [&reader_cookie, third.cookie.as_ref().unwrap()] {
        let page = fetch(&server, &path, &[("cookie", cookie)]).await;
        assert!(!page.text().contains("Awaiting my turn"));
    }
}

async fn a_comment_made_through_one_instance_reaches_readers_of_another(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let slug = seed::post(&pool, ada, "Shared post", seed::days_ago(1)).await;
    let writer = TestServer::start(&db).await;
    let reader_side = TestServer::start(&db).await;
    let path = format!("/posts/{slug}");
    kept(&reader_side, &path).await;

    let (_, mut reader) = admin_and_reader(&writer).await;
    let reply = reader
        .call(
            "comments/add",
            &[
                ("slug", &slug),
                ("body", "Written through the other instance"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let page = fetch(&reader_side, &path, &[]).await;
    assert_eq!(page.cache.as_deref(), Some("miss"));
    assert!(page.text().contains("Written through the other instance"));
}

async fn a_scheduled_post_reaches_kept_pages_when_its_time_comes(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Already out", seed::days_ago(1)).await;
    let at = app::db::now() + TimeDelta::seconds(2);
    seed::post(&pool, ada, "Right on time", Some(at)).await;
    let server = TestServer::start(&db).await;
    let before = kept(&server, "/").await;
    assert!(!before.text().contains("Right on time"));

    let wait = (at - app::db::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(200)).await;
    let after = fetch(&server, "/", &[]).await;
    assert_eq!(after.cache.as_deref(), Some("miss"));
    assert!(after.text().contains("Right on time"));
}

async fn a_burst_of_readers_of_a_new_page_waits_for_one_rendering(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let slug = seed::post(&pool, ada, "Popular post", seed::days_ago(1)).await;
    let server = TestServer::start(&db).await;
    let path = format!("/posts/{slug}");
    let burst = (0..16).map(|_| fetch(&server, &path, &[]));
    let outcomes: Vec<Option<String>> = futures::future::join_all(burst)
        .await
        .into_iter()
        .map(|page| {
            assert_eq!(page.status, 200);
            page.cache
        })
        .collect();
    let misses = outcomes
        .iter()
        .filter(|o| o.as_deref() == Some("miss"))
        .count();
    assert_eq!(misses, 1, "{outcomes:?}");
}

async fn execute(db: &app::db::Db, sql: &str) {
    match db {
        app::db::Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        app::db::Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn on_a_blog_that_mails_each_reader_gets_their_own_address(db: TestDb) {
    let smtp = SmtpSink::start().await;
    let mut settings = mail_settings(&smtp);
    settings.push(("QUIRE_VERIFY_EMAIL", "off".into()));
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = TestServer::start_with(&db, &settings).await;
    let (_, first) = admin_and_reader(&server).await;
    let mut second = Browser::new(&server);
    second
        .register(
            "Second",
            "o'brien+news@example.com",
            "correct horse battery",
        )
        .await;
    let subscribe_as =
        |email: &str| format!("<strong>{}</strong>", html_escape::encode_text(email));
    let hidden_field = |email: &str| {
        format!(
            "name=\"email\" value=\"{}\"",
            html_escape::encode_double_quoted_attribute(email)
        )
    };

    let page = fetch(&server, "/", &[("cookie", first.cookie.as_ref().unwrap())]).await;
    assert_eq!(page.cache.as_deref(), Some("miss"));
    assert!(page.text().contains(&subscribe_as("reader@example.com")));
    assert!(page.text().contains(&hidden_field("reader@example.com")));
    let page = fetch(&server, "/", &[("cookie", second.cookie.as_ref().unwrap())]).await;
    assert_eq!(
        page.cache.as_deref(),
        Some("hit"),
        "shared, the form included"
    );
    let text = page.text();
    assert!(
        text.contains(&subscribe_as("o'brien+news@example.com")),
        "{text}"
    );
    assert!(text.contains(&hidden_field("o'brien+news@example.com")));
    assert!(
        !text.contains("reader@example.com"),
        "not the first reader's address"
    );
    assert!(!text.contains("stand-in"));
}
