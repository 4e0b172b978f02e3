//! What runs in the browser: the WASM client only on the editor's pages (its islands), and on
//! every page the small inline script; the theme switch as a plain form post and a cookie.

use crate::support::{admin_and_reader, both, TestDb, TestServer};

both!(
    reader_pages_load_no_client_and_carry_the_page_script,
    the_editor_loads_the_client_for_its_islands,
    the_theme_switch_is_a_form_post_that_sets_a_cookie,
    pages_are_rendered_in_the_chosen_theme,
);

/// The raw HTML of `path` and its Content-Security-Policy, with `cookie` if any.
async fn page(server: &TestServer, path: &str, cookie: Option<&str>) -> (u16, String, String) {
    let mut request = server.client.get(server.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let reply = request.send().await.unwrap();
    let status = reply.status().as_u16();
    let csp = reply.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, reply.text().await.unwrap(), csp)
}

fn has_client(html: &str) -> bool {
    html.contains("quire.js") || html.contains(".wasm") || html.contains("<leptos-island")
}

async fn reader_pages_load_no_client_and_carry_the_page_script(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, mut reader) = admin_and_reader(&server).await;
    let (status, slug) = admin
        .create_post("Light pages", "published", "", "weight")
        .await;
    assert!(status < 400 && !slug.is_empty(), "{status} {slug}");
    let comment = reader
        .call(
            "comments/add",
            &[("slug", &slug), ("body", "Nice and light.")],
        )
        .await;
    assert!(comment.status < 400, "{}", comment.body);
    let post = format!("/posts/{slug}");
    let pages = [
        "/",
        &post,
        "/tags/weight",
        "/authors/1",
        "/search?q=light",
        "/about",
        "/contact",
        "/login",
        "/register",
        "/forgot-password",
        "/no/such/page",
    ];
    for path in pages {
        let (status, html, csp) = page(&server, path, None).await;
        assert!(status == 200 || path == "/no/such/page", "{path}: {status}");
        assert!(!has_client(&html), "{path} loads the client:\n{html}");
        // Nor the data a client would hydrate from.
        assert!(
            !html.contains("__RESOLVED_RESOURCES["),
            "{path} carries hydration data"
        );
        // The page script, under the page's nonce.
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .unwrap();
        assert!(
            html.contains(&format!("<script nonce=\"{nonce}\">")) && html.contains("quire_theme="),
            "{path}: no page script under the nonce"
        );
    }
    // Logged in, the same: the account page, a post with its comment's buttons.
    let cookie = reader.cookie.clone().unwrap();
    for path in ["/", post.as_str(), "/account"] {
        let (status, html, _) = page(&server, path, Some(&cookie)).await;
        assert_eq!(status, 200, "{path}");
        assert!(!has_client(&html), "{path} (logged in) loads the client");
    }
}

async fn the_editor_loads_the_client_for_its_islands(db: TestDb) {
    let server = TestServer::start(&db).await;
    let (mut admin, _) = admin_and_reader(&server).await;
    let (_, slug) = admin.create_post("Edited", "published", "", "").await;
    let cookie = admin.cookie.clone().unwrap();
    for path in ["/admin/posts/new".to_owned(), format!("/posts/{slug}/edit")] {
        let (status, html, _) = page(&server, &path, Some(&cookie)).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("<leptos-island"), "{path}: no islands");
        assert!(html.contains("/pkg/quire.js"), "{path}: no client");
    }
    // The admin's other pages have no islands and no client.
    for path in [
        "/admin/users",
        "/admin/comments",
        "/admin/messages",
        "/account",
    ] {
        let (status, html, _) = page(&server, path, Some(&cookie)).await;
        assert_eq!(status, 200, "{path}");
        assert!(!has_client(&html), "{path} loads the client");
    }
}

async fn the_theme_switch_is_a_form_post_that_sets_a_cookie(db: TestDb) {
    let server = TestServer::start(&db).await;
    let choose = |theme: &str, referer: &str| {
        server
            .client
            .post(server.url("/theme"))
            .header("origin", &server.base)
            .header("sec-fetch-site", "same-origin")
            .header("referer", referer)
            .form(&[("theme", theme)])
            .send()
    };
    let back = format!("{}/search?q=light#results", server.base);
    let reply = choose("dark", &back).await.unwrap();
    assert_eq!(reply.status(), 303);
    assert_eq!(reply.headers()["location"], "/search?q=light");
    let cookie = reply.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("quire_theme=dark; Path=/; Max-Age=31536000; SameSite=Lax"),
        "{cookie}"
    );

    // Another site's page is never returned to.
    let reply = choose("light", "https://elsewhere.example/page")
        .await
        .unwrap();
    assert_eq!(reply.status(), 303);
    assert_eq!(reply.headers()["location"], "/");

    // Nonsense is refused, with a message and no cookie.
    let reply = choose("purple", &back).await.unwrap();
    assert_eq!(reply.status(), 400);
    assert!(reply.headers().get("set-cookie").is_none());
    assert!(reply.text().await.unwrap().contains("light or the dark"));

    // Another site's form cannot post it.
    let reply = server
        .client
        .post(server.url("/theme"))
        .header("origin", "https://elsewhere.example")
        .form(&[("theme", "dark")])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 403);
}

/// The theme switch's form.
fn theme_switch(html: &str) -> &str {
    let start = html.find(r#"action="/theme""#).expect("a theme switch");
    let end = start + html[start..].find("</form>").unwrap();
    &html[start..end]
}

async fn pages_are_rendered_in_the_chosen_theme(db: TestDb) {
    let server = TestServer::start(&db).await;
    // Rendered, then kept by the page cache: each theme is a page of its own there.
    for _ in 0..2 {
        let (_, html, _) = page(&server, "/", None).await;
        assert!(
            html.contains("<html lang=\"en\">"),
            "no theme without a choice"
        );
        assert!(html.contains(r#"<input type="hidden" name="theme" value="dark">"#));
        assert!(theme_switch(&html).contains(r#"aria-pressed="false""#));

        let (_, html, _) = page(&server, "/", Some("quire_theme=dark")).await;
        assert!(
            html.contains(r#"<html lang="en" data-theme="dark">"#),
            "{html}"
        );
        assert!(html.contains(r#"<input type="hidden" name="theme" value="light">"#));
        assert!(theme_switch(&html).contains(r#"aria-pressed="true""#));

        let (_, html, _) = page(&server, "/", Some("a=1; quire_theme=light")).await;
        assert!(html.contains(r#"<html lang="en" data-theme="light">"#));
    }
}
