//! How bytes leave the server: compressed pages, the precompressed client bundle, and
//! revalidation instead of re-downloads.

use crate::support::{admin_and_reader, both, TestDb, TestServer};

both!(
    pages_are_compressed_for_browsers_that_ask,
    the_client_bundle_is_served_precompressed_and_revalidated,
    pages_load_the_bundle_from_versioned_addresses_kept_for_a_year,
);

async fn pages_are_compressed_for_browsers_that_ask(db: TestDb) {
    let server = TestServer::start(&db).await;
    for (accept, encoding) in [
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let response = server
            .client
            .get(server.url("/"))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let got = response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(got.as_deref(), encoding, "Accept-Encoding: {accept}");
        let body = response.bytes().await.unwrap();
        if encoding.is_none() {
            assert!(String::from_utf8_lossy(&body).contains("</html>"));
        } else {
            assert!(!String::from_utf8_lossy(&body).contains("</html>"));
        }
    }
}

async fn the_client_bundle_is_served_precompressed_and_revalidated(db: TestDb) {
    // A site root as scripts/build-release.sh leaves it: each file with .br and .gz siblings
    // (different bytes here, to tell which one was sent).
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join("quire.css"), "body { color: black }").unwrap();
    std::fs::write(pkg.join("quire.css.br"), "brotli bytes").unwrap();
    std::fs::write(pkg.join("quire.css.gz"), "gzip bytes").unwrap();
    let server = TestServer::process_with(
        &db,
        &[
            ("LEPTOS_SITE_ROOT", site.path().to_str().unwrap()),
            // Every SQL statement is logged: files must not cause any.
            ("RUST_LOG", "info,sqlx::query=debug"),
        ],
    )
    .await;

    let get = |accept: &'static str| {
        server
            .client
            .get(server.url("/pkg/quire.css"))
            .header("accept-encoding", accept)
            .header("cookie", "quire_session=AAAAAAAAAAAAAAAAAAAAAA")
            .send()
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let statements = || server.log().matches("sqlx::query").count();
    let before = statements();
    let response = get("gzip, br").await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(response.text().await.unwrap(), "brotli bytes");

    let response = get("gzip").await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(response.text().await.unwrap(), "gzip bytes");

    let response = get("identity").await.unwrap();
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.text().await.unwrap(), "body { color: black }");
    assert_eq!(
        statements(),
        before,
        "files are served without loading a session"
    );
    // The same cookie on a page does load one, so the count above can tell.
    server
        .client
        .get(server.url("/healthz"))
        .header("cookie", "quire_session=AAAAAAAAAAAAAAAAAAAAAA")
        .send()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(statements() > before, "{}", server.log());

    // Unchanged since the browser's copy: 304, no body.
    let modified = headers["last-modified"].to_str().unwrap().to_owned();
    let response = server
        .client
        .get(server.url("/pkg/quire.css"))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 304);
    assert!(response.bytes().await.unwrap().is_empty());

    // Nothing outside the site root, however the path is spelled.
    for path in [
        "/pkg/../../etc/passwd",
        "/pkg/%2e%2e/%2e%2e/etc/passwd",
        "/pkg/missing.js",
    ] {
        let (status, body) = server.get(path).await;
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(!body.contains("root:"), "{path}");
    }
}

/// The `/v/<version>` prefix pages load the bundle from.
fn asset_root(html: &str) -> String {
    let at = html.find("/v/").expect("a versioned bundle address");
    let version: String = html[at + 3..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(version.len(), 16, "{}", &html[at..at + 40]);
    format!("/v/{version}")
}

async fn pages_load_the_bundle_from_versioned_addresses_kept_for_a_year(db: TestDb) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    for (name, bytes) in [
        ("quire.css", "body { color: black }"),
        ("quire.js", "export default 1"),
        ("quire.wasm", "\0asm"),
    ] {
        std::fs::write(pkg.join(name), bytes).unwrap();
    }
    let env = [("LEPTOS_SITE_ROOT", site.path().to_str().unwrap())];
    let mut server = TestServer::process_with(&db, &env).await;
    let (_, html) = server.get("/").await;
    let root = asset_root(&html);
    assert!(html.contains(&format!("{root}/pkg/quire.css")));
    // The client, on the pages that load it (the editor's).
    let (mut admin, _) = admin_and_reader(&server).await;
    let editor = admin.page("/admin/posts/new").await.body;
    for file in ["quire.css", "quire.js", "quire.wasm"] {
        assert!(editor.contains(&format!("{root}/pkg/{file}")), "{file}");
    }

    let response = server
        .client
        .get(server.url(&format!("{root}/pkg/quire.css")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.text().await.unwrap(), "body { color: black }");

    // Another version's address (a page from before a deploy) gets today's file, revalidated.
    let old = server
        .client
        .get(server.url("/v/0123456789abcdef/pkg/quire.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 200);
    assert_eq!(old.headers()["cache-control"], "no-cache");
    for path in [
        format!("{root}/pkg/../../etc/passwd"),
        format!("{root}/pkg/%2e%2e/%2e%2e/etc/passwd"),
        format!("{root}/pkg/missing.js"),
    ] {
        let (status, body) = server.get(&path).await;
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(!body.contains("root:"), "{path}");
    }

    // A new build is a new address.
    server.terminate(std::time::Duration::from_secs(10));
    std::fs::write(pkg.join("quire.css"), "body { color: navy }").unwrap();
    let server = TestServer::process_with(&db, &env).await;
    let (_, html) = server.get("/").await;
    assert_ne!(asset_root(&html), root);
}
