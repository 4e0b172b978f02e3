//! Leaving as a website: `quire export-static` writes the public site as files that a plain
//! static file server serves, at any address, with every link working and no JavaScript.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use app::db::{self, posts::NewPost};
use app::domain::{CommentStatus, PostTitle, Tag};

use crate::support::{both, html, seed, server, TestDb};

both!(the_public_site_leaves_as_static_files_whose_links_all_work);

/// What the copy must (and must not) have.
struct Blog {
    first: String,
    first_id: i64,
    tagged: String,
    author: i64,
    draft: String,
    scheduled: String,
    sha: String,
}

/// Twelve published posts (two home pages), one with tags, an uploaded image, links to another
/// post, to a Flask-era address and to the login page, and two comments (one held back); a
/// draft and a scheduled post.
async fn seed_blog(pool: &db::Db) -> Blog {
    let author = seed::author(pool, "Ada Writer").await;
    let first = db::posts::create(
        pool,
        &NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            author_id: author,
            tags: &[],
            title: &PostTitle::parse("Post number 1").unwrap(),
            subtitle: "",
            body: "The first.",
            cover_url: None,
            published_at: seed::days_ago(30),
            newsletter: false,
        },
    )
    .await
    .unwrap();
    for n in 2..=11 {
        seed::post(
            pool,
            author,
            &format!("Post number {n}"),
            seed::days_ago(30 - n),
        )
        .await;
    }
    let sha = seed::image(pool, author, &crate::images::png(3, 2, [20, 140, 90])).await;
    let body = format!(
        "A picture: ![green](/images/{sha}.png)\n\nSee [the first post](/posts/{}), its \
         [old address](/post/{}) and [the login page](/login).",
        first.slug.as_str(),
        first.id
    );
    let tagged = db::posts::create(
        pool,
        &NewPost {
            submitted: false,
            series: None,
            coauthors: &[],
            author_id: author,
            tags: &[Tag::parse("Rust").unwrap(), Tag::parse("Café").unwrap()],
            title: &PostTitle::parse("Tagged and linked").unwrap(),
            subtitle: "With a picture",
            body: &body,
            cover_url: Some(&format!("/images/{sha}.png")),
            published_at: seed::days_ago(1),
            newsletter: false,
        },
    )
    .await
    .unwrap()
    .slug
    .as_str()
    .to_owned();
    db::comments::create(
        pool,
        &tagged,
        author,
        "Shown to all",
        CommentStatus::Visible,
        None,
    )
    .await
    .unwrap();
    db::comments::create(
        pool,
        &tagged,
        author,
        "Held back",
        CommentStatus::Pending,
        None,
    )
    .await
    .unwrap();
    let draft = seed::post(pool, author, "Still a draft", None).await;
    let later = chrono::Utc::now() + chrono::TimeDelta::days(3);
    let scheduled = seed::post(pool, author, "Out next week", Some(later)).await;
    Blog {
        first: first.slug.as_str().to_owned(),
        first_id: first.id,
        tagged,
        author,
        draft,
        scheduled,
        sha,
    }
}

async fn the_public_site_leaves_as_static_files_whose_links_all_work(db: TestDb) {
    let pool = db.connect().await;
    let blog = seed_blog(&pool).await;
    let work = tempfile::tempdir().unwrap();
    let site_root = work.path().join("site");
    std::fs::create_dir_all(site_root.join("pkg")).unwrap();
    std::fs::write(site_root.join("pkg/quire.css"), "body { color: #222 }\n").unwrap();
    std::fs::write(
        site_root.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    // Served from a folder of the static server, not its root: links must be relative.
    let served = work.path().join("www");
    let out = served.join("archive");

    let export = |args: &[&str]| {
        let output = server::quire()
            .env("DATABASE_URL", &db.url)
            .env("LEPTOS_SITE_ROOT", &site_root)
            .arg("export-static")
            .args(args)
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), said)
    };
    let (ok, said) = export(&[out.to_str().unwrap()]);
    assert!(!ok && said.contains("--base-url"), "{said}");
    let (ok, said) = export(&[
        out.to_str().unwrap(),
        "--base-url",
        "https://archive.example/blog/",
    ]);
    assert!(ok, "{said}");
    assert!(
        said.contains("Copied 19 pages, 11 files and 1 moved addresses"),
        "{said}"
    );
    assert!(!said.contains("lead nowhere"), "{said}");
    assert!(
        said.contains("/login"),
        "the link made plain text is named: {said}"
    );
    let (ok, said) = export(&[
        out.to_str().unwrap(),
        "--base-url",
        "https://archive.example",
    ]);
    assert!(!ok && said.contains("not empty"), "{said}");

    for file in [
        "index.html".to_owned(),
        "page/2/index.html".to_owned(),
        format!("posts/{}/index.html", blog.tagged),
        "tags/rust/index.html".to_owned(),
        "tags/café/index.html".to_owned(),
        "tags/rust/feed.xml".to_owned(),
        format!("authors/{}/index.html", blog.author),
        "about/index.html".to_owned(),
        "feed.xml".to_owned(),
        "rss.xml".to_owned(),
        "sitemap.xml".to_owned(),
        "robots.txt".to_owned(),
        "favicon.svg".to_owned(),
        format!("images/{}.png", blog.sha),
    ] {
        assert!(out.join(&file).is_file(), "{file} is missing");
    }
    // The stylesheet, at its versioned address as live.
    let versions: Vec<_> = std::fs::read_dir(out.join("v")).unwrap().collect();
    assert_eq!(versions.len(), 1);
    let css = versions[0].as_ref().unwrap().path().join("pkg/quire.css");
    assert_eq!(
        std::fs::read_to_string(css).unwrap(),
        "body { color: #222 }\n"
    );
    for gone in [&blog.draft, &blog.scheduled] {
        assert!(
            !out.join("posts").join(gone).exists(),
            "{gone} must not be published"
        );
    }
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(
        feed.contains(&format!(
            "https://archive.example/blog/posts/{}",
            blog.tagged
        )),
        "{feed}"
    );
    let mut html_files = Vec::new();
    collect_html(&out, &mut html_files);
    for file in &html_files {
        let page = std::fs::read_to_string(file).unwrap();
        for live in ["<form", "<script", "Held back", "Log in", "/login"] {
            assert!(!page.contains(live), "{} has {live}", file.display());
        }
        for address in html::addresses(&page) {
            assert!(
                !address.starts_with('/') || address.starts_with("//"),
                "{} links to {address}, which breaks in a folder",
                file.display()
            );
        }
    }

    let server = StaticServer::start(&served);
    let reached = link_check(&server.url("/archive/")).await;
    let post = format!("{}/archive/posts/{}/", server.base, blog.tagged);
    assert!(reached.contains(&post), "{post} not reached: {reached:?}");
    assert!(reached.contains(&format!("{}/archive/posts/{}/", server.base, blog.first)));
    assert!(reached.contains(&format!("{}/archive/page/2/", server.base)));
    let page = reqwest::get(&post).await.unwrap().text().await.unwrap();
    assert!(page.contains("Tagged and linked") && page.contains("Shown to all"));
    assert!(page.contains("the login page") && !page.contains("href=\"/login"));
    // The Flask-era address the post linked to sends readers on without JavaScript.
    let moved = reqwest::get(format!("{}/archive/post/{}/", server.base, blog.first_id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        moved.contains(&format!("url=../../posts/{}/", blog.first)),
        "{moved}"
    );
}

fn collect_html(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_html(&path, into);
        } else if path.extension().is_some_and(|e| e == "html") {
            into.push(path);
        }
    }
}

/// Follows every link of every page from `start` on the same server, as a reader would; fails
/// on any address that does not answer 200. Returns the pages reached.
async fn link_check(start: &str) -> BTreeSet<String> {
    let client = reqwest::Client::new();
    let origin = reqwest::Url::parse(start).unwrap().origin();
    let mut seen = BTreeSet::from([start.to_owned()]);
    let mut queue = VecDeque::from([(start.to_owned(), "(start)".to_owned())]);
    let mut pages = BTreeSet::new();
    while let Some((url, from)) = queue.pop_front() {
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url} (linked from {from})");
        let is_html = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
        let final_url = response.url().clone();
        let body = response.text().await.unwrap();
        if !is_html {
            continue;
        }
        pages.insert(url.clone());
        for address in html::addresses(&body) {
            let Ok(mut target) = final_url.join(&address) else {
                panic!("{url} has a link that is no address: {address}");
            };
            target.set_fragment(None);
            if target.origin() != origin {
                continue;
            }
            if seen.insert(target.to_string()) {
                queue.push_back((target.to_string(), url.clone()));
            }
        }
    }
    pages
}

/// Python's `http.server`: a plain static file server, nothing Quire-specific.
struct StaticServer {
    child: Child,
    base: String,
}

impl StaticServer {
    fn start(dir: &Path) -> StaticServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs the static file server");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        StaticServer {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
