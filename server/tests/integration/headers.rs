//! Security headers: a nonce-based Content-Security-Policy on pages, a deny-all one on
//! everything else, the usual hardening headers, HSTS over HTTPS, and no caching of what a
//! logged-in reader sees.

use crate::support::{both, Browser, TestDb, TestServer};

both!(
    pages_allow_only_their_own_nonce_scripts,
    every_response_carries_the_hardening_headers,
    logged_in_pages_are_not_cached_and_https_sites_ask_for_https,
);

async fn pages_allow_only_their_own_nonce_scripts(db: TestDb) {
    let server = TestServer::start(&db).await;
    let mut nonces = Vec::new();
    // Two renderings. (A page kept for anonymous readers keeps its nonce until what it shows
    // changes: see `page_cache::any_change_readers_could_see_retires_kept_pages`.)
    for path in ["/", "/login"] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = response.text().await.unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("no nonce in {policy}"))
            .to_owned();
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("object-src 'none'"), "{policy}");
        // Every script on the page carries the policy's nonce.
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(!scripts.is_empty());
        for script in scripts {
            let tag = &script[..script.find('>').unwrap()];
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{tag}");
        }
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a new nonce for every rendering");

    // The 404 page is a page too.
    let response = server
        .client
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(policy.contains("'nonce-"), "{policy}");
}

async fn every_response_carries_the_hardening_headers(db: TestDb) {
    let server = TestServer::start(&db).await;
    let responses = [
        server.client.get(server.url("/")).send().await.unwrap(),
        server
            .client
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap(),
        server
            .client
            .get(server.url("/readyz"))
            .send()
            .await
            .unwrap(),
        Browser::new(&server)
            .post("current_user", &[])
            .send()
            .await
            .unwrap(),
    ];
    for response in responses {
        let url = response.url().path().to_owned();
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{url}"
        );
        assert_eq!(h["x-frame-options"], "DENY", "{url}");
        assert!(h.contains_key("permissions-policy"), "{url}");
        assert!(h.contains_key("content-security-policy"), "{url}");
        assert!(!h.contains_key("server"), "{url}: no server version");
        assert!(
            !h.contains_key("strict-transport-security"),
            "{url}: plain http"
        );
        if url != "/" {
            assert_eq!(
                h["content-security-policy"],
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
                "{url}"
            );
        }
    }
}

async fn logged_in_pages_are_not_cached_and_https_sites_ask_for_https(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (_, _) = server.get("/").await;
    let anonymous = server.client.get(server.url("/")).send().await.unwrap();
    // The same page for every anonymous reader: browsers keep it, and revalidate it (ETag).
    assert_eq!(anonymous.headers()["cache-control"], "no-cache");
    assert!(anonymous.headers().contains_key("etag"));

    let mut ada = Browser::new(&server);
    ada.register("Ada", "ada@example.com", "correct horse battery")
        .await;
    let cookie = ada.cookie.clone().unwrap();
    for path in ["/", "/account"] {
        let response = server
            .client
            .get(server.url(path))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["cache-control"],
            "private, no-store",
            "{path}"
        );
    }
    drop(server);

    let server = TestServer::start_with(
        &db,
        &[
            ("QUIRE_PUBLIC_URL", "https://blog.example.com"),
            ("QUIRE_SECURE_COOKIE", "false"),
        ],
    )
    .await;
    let response = server.client.get(server.url("/")).send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}
