//! Atom and RSS feeds, the sitemap, robots.txt and a post page's meta tags: they parse, carry
//! absolute links, and show published posts only — a scheduled post joins them by itself.

use std::time::Duration;

use chrono::{DateTime, TimeDelta};
use roxmltree::Document;

use crate::support::{both, seed, Browser, TestDb, TestServer};

both!(
    feeds_and_the_sitemap_parse_and_list_published_posts_only,
    a_scheduled_post_appears_everywhere_when_its_time_comes,
    links_use_the_public_url_and_feeds_revalidate,
    post_pages_carry_canonical_opengraph_and_json_ld,
);

const ATOM: &str = "http://www.w3.org/2005/Atom";

async fn fetch(server: &TestServer, path: &str) -> (u16, String, String) {
    let reply = server.client.get(server.url(path)).send().await.unwrap();
    let status = reply.status().as_u16();
    let kind = reply.headers()["content-type"].to_str().unwrap().to_owned();
    (status, kind, reply.text().await.unwrap())
}

/// Texts of the elements named `name` (in any namespace) that are children of `parent`s.
fn texts(doc: &Document, parent: &str, name: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.tag_name().name() == parent)
        .flat_map(|p| p.children().filter(|c| c.tag_name().name() == name))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

async fn feeds_and_the_sitemap_parse_and_list_published_posts_only(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Oldest", seed::days_ago(3)).await;
    seed::post(&pool, ada, "Tom & \"Jerry\" <b>", seed::days_ago(2)).await;
    seed::post(&pool, ada, "Newest", seed::days_ago(1)).await;
    seed::post(&pool, ada, "A draft", None).await;
    let later = Some(app::db::now() + TimeDelta::hours(1));
    seed::post(&pool, ada, "Scheduled", later).await;
    let server = TestServer::start(&db).await;
    let base = server.base.clone();

    let (status, kind, atom) = fetch(&server, "/feed.xml").await;
    assert_eq!(status, 200);
    assert_eq!(kind, "application/atom+xml; charset=utf-8");
    let doc = Document::parse(&atom).expect("the Atom feed is well-formed XML");
    let root = doc.root_element();
    assert_eq!(
        (root.tag_name().namespace(), root.tag_name().name()),
        (Some(ATOM), "feed")
    );
    for required in ["id", "title", "updated"] {
        assert!(
            root.children().any(|c| c.tag_name().name() == required),
            "feed lacks <{required}>"
        );
    }
    assert_eq!(
        texts(&doc, "entry", "title"),
        ["Newest", "Tom & \"Jerry\" <b>", "Oldest"]
    );
    for entry in root.children().filter(|c| c.tag_name().name() == "entry") {
        for required in ["id", "title", "updated", "published", "author", "content"] {
            assert!(
                entry.children().any(|c| c.tag_name().name() == required),
                "entry lacks <{required}>"
            );
        }
        let link = entry
            .children()
            .find(|c| c.tag_name().name() == "link")
            .unwrap();
        assert!(link
            .attribute("href")
            .unwrap()
            .starts_with(&format!("{base}/posts/")));
    }
    let contents = texts(&doc, "entry", "content");
    assert!(contents[0].contains("<p>Body.</p>"), "{contents:?}");
    for updated in texts(&doc, "entry", "updated") {
        DateTime::parse_from_rfc3339(&updated).expect("RFC 3339 dates");
    }

    let (status, kind, rss) = fetch(&server, "/rss.xml").await;
    assert_eq!(status, 200);
    assert_eq!(kind, "application/rss+xml; charset=utf-8");
    let doc = Document::parse(&rss).expect("the RSS feed is well-formed XML");
    assert_eq!(doc.root_element().attribute("version"), Some("2.0"));
    assert_eq!(
        texts(&doc, "item", "title"),
        ["Newest", "Tom & \"Jerry\" <b>", "Oldest"]
    );
    for field in ["link", "guid", "pubDate", "description"] {
        assert_eq!(texts(&doc, "item", field).len(), 3, "<{field}> per item");
    }
    for date in texts(&doc, "item", "pubDate") {
        DateTime::parse_from_rfc2822(&date).expect("RFC 2822 dates");
    }
    // (The channel's `<atom:link rel="self">` is a `link` too, in the Atom namespace.)
    for channel_field in ["title", "link", "description"] {
        let plain = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "channel")
            .flat_map(|c| c.children())
            .filter(|n| n.tag_name().name() == channel_field && n.tag_name().namespace().is_none())
            .count();
        assert_eq!(plain, 1, "<{channel_field}>");
    }

    let (status, _, sitemap) = fetch(&server, "/sitemap.xml").await;
    assert_eq!(status, 200);
    let doc = Document::parse(&sitemap).expect("the sitemap is well-formed XML");
    let locs = texts(&doc, "url", "loc");
    assert_eq!(locs.len(), 5, "home, about and three posts: {locs:?}");
    assert!(locs.iter().all(|l| l.starts_with(&base)));
    assert!(!sitemap.contains("a-draft") && !sitemap.contains("scheduled"));

    let (status, kind, robots) = fetch(&server, "/robots.txt").await;
    assert_eq!((status, kind.as_str()), (200, "text/plain; charset=utf-8"));
    assert!(
        robots.contains(&format!("Sitemap: {base}/sitemap.xml")),
        "{robots}"
    );
    assert!(robots.contains("Disallow: /admin/"));

    let (_, home) = server.get("/").await;
    assert!(home.contains(r#"<link rel="alternate" type="application/atom+xml""#));
    assert!(home.contains(r#"href="/rss.xml""#));
}

async fn a_scheduled_post_appears_everywhere_when_its_time_comes(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let at = app::db::now() + TimeDelta::seconds(3);
    let slug = seed::post(&pool, ada, "Right on time", Some(at)).await;
    let server = TestServer::start(&db).await;

    let visible = |server: &TestServer| {
        let slug = slug.clone();
        let server_base = server.base.clone();
        let client = server.client.clone();
        async move {
            let get = |path: String| {
                let client = client.clone();
                let url = format!("{server_base}{path}");
                async move { client.get(url).send().await.unwrap() }
            };
            let home = get("/".into()).await.text().await.unwrap();
            let feed = get("/feed.xml".into()).await.text().await.unwrap();
            let rss = get("/rss.xml".into()).await.text().await.unwrap();
            let sitemap = get("/sitemap.xml".into()).await.text().await.unwrap();
            let page = get(format!("/posts/{slug}")).await.status().as_u16();
            [
                home.contains("Right on time"),
                feed.contains("Right on time"),
                rss.contains("Right on time"),
                sitemap.contains(&slug),
                page == 200,
            ]
        }
    };
    assert_eq!(visible(&server).await, [false; 5], "before its time");
    let wait = (at - app::db::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(300)).await;
    assert_eq!(visible(&server).await, [true; 5], "after its time");
}

async fn links_use_the_public_url_and_feeds_revalidate(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    seed::post(&pool, ada, "Out there", seed::days_ago(1)).await;
    let server =
        TestServer::start_with(&db, &[("QUIRE_PUBLIC_URL", "https://blog.example.com")]).await;
    for path in ["/feed.xml", "/rss.xml", "/sitemap.xml", "/robots.txt"] {
        let (_, _, body) = fetch(&server, path).await;
        assert!(body.contains("https://blog.example.com/"), "{path}: {body}");
        assert!(!body.contains("127.0.0.1"), "{path}: {body}");
    }
    let first = server
        .client
        .get(server.url("/feed.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["cache-control"], "public, max-age=300");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = server
        .client
        .get(server.url("/feed.xml"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.text().await.unwrap().is_empty());

    // Without a public URL, a host header that is not a plain host name is not echoed.
    let plain = TestServer::start(&db).await;
    let reply = plain
        .client
        .get(plain.url("/robots.txt"))
        .header("host", "evil\"example")
        .send()
        .await
        .unwrap();
    let robots = reply.text().await.unwrap();
    assert!(
        robots.contains("Sitemap: http://localhost/sitemap.xml"),
        "{robots}"
    );
}

async fn post_pages_carry_canonical_opengraph_and_json_ld(db: TestDb) {
    let pool = db.connect().await;
    let ada = seed::author(&pool, "Ada").await;
    let title = "</script><script>alert(1)</script> & \"quotes\"";
    let slug = seed::post(&pool, ada, title, seed::days_ago(1)).await;
    let server =
        TestServer::start_with(&db, &[("QUIRE_PUBLIC_URL", "https://blog.example.com")]).await;
    let page = Browser::new(&server)
        .page(&format!("/posts/{slug}"))
        .await
        .body;
    let url = format!("https://blog.example.com/posts/{slug}");
    assert!(
        page.contains(&format!(r#"<link href="{url}" rel="canonical">"#)),
        "{page}"
    );
    assert!(page.contains(&format!(r#"<meta property="og:url" content="{url}""#)));
    assert!(page.contains(r#"<meta property="og:type" content="article""#));
    assert!(page.contains(r#"<meta name="twitter:card" content="summary""#));
    assert!(
        page.contains(
            r#"<meta property="og:title" content="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;">"#
        ),
        "{page}"
    );
    let start = page
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD block")
        + r#"<script type="application/ld+json">"#.len();
    let end = start + page[start..].find("</script>").unwrap();
    let json: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(json["@type"], "BlogPosting");
    assert_eq!(json["headline"], title, "the whole title, inside the block");
    assert_eq!(json["url"], url);
    assert_eq!(json["author"]["name"], "Ada");
    assert!(json["datePublished"].is_string() && json["dateModified"].is_string());
}
