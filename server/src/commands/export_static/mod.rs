//! `quire export-static DIR`: the public site as static files, for a person leaving Quire or
//! keeping an archive. The pages are the live ones, rendered by this build's router for an
//! anonymous reader with what needs the server left out (`components::static_export`), and
//! found by following links from the home page and the sitemap: what a reader can reach is
//! what is copied, and a link that leads nowhere is reported.

mod links;
mod rewrite;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context as _};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use crate::startup::Config;
use links::{classify, SitePath, Target};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The folder to write: a new or empty one.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Where the copy will be served, e.g. https://archive.example.com/blog: the feeds', the
    /// sitemap's and canonical links are absolute. Defaults to QUIRE_PUBLIC_URL.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Pages rendered at once: enough to keep both cores busy while others wait on the database.
const IN_FLIGHT: usize = 8;

/// Addresses not linked from any page that a static copy still needs.
const SEEDS: &[&str] = &[
    "/",
    "/feed.xml",
    "/rss.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/favicon.svg",
];

pub async fn run(config: &Config, options: &Options) -> anyhow::Result<()> {
    let staged = super::staged::Staged::begin(&options.dir)?;
    let base = base_url(options.base_url.as_deref().or(config.public_url.as_deref()))?;
    let host = base
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
        .unwrap_or_default()
        .to_owned();

    let mut config = config.clone();
    config.mail = None;
    config.page_cache_bytes = 0;
    config.public_url = Some(base.clone());
    config.site.public_url = Some(base.clone());
    config.site.static_export = true;
    let (router, db) = crate::http::app(&config).await?;
    let started = Instant::now();
    let result = Crawl::new(router, host, &base, staged.path()).run().await;
    db.close().await;
    let report = result?;
    staged.finish()?;
    report.print(&options.dir, started.elapsed().as_secs_f64());
    Ok(())
}

/// The address the copy will live at, without a trailing slash.
fn base_url(url: Option<&str>) -> anyhow::Result<String> {
    let Some(url) = url else {
        bail!(
            "say where the copy will be served with --base-url (e.g. \
             https://archive.example.com), or set QUIRE_PUBLIC_URL: feeds and the sitemap \
             need absolute links"
        );
    };
    let url = url.trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match host {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !url.contains(['?', '#']) => {
            Ok(url.to_owned())
        }
        _ => bail!("--base-url must be an http:// or https:// address, such as https://archive.example.com/blog (got {url:?})"),
    }
}

struct Crawl<'a> {
    router: Router,
    host: String,
    base: &'a str,
    dir: &'a Path,
    queue: VecDeque<SitePath>,
    /// Every address met so far, with the first page that linked to it.
    seen: HashMap<SitePath, String>,
    report: Report,
}

#[derive(Default)]
struct Report {
    pages: u64,
    files: u64,
    redirects: u64,
    bytes: u64,
    /// Addresses that the live site answers 404 too, with a page that links to them.
    broken: Vec<(String, String)>,
    /// Links in pages to what needs the server, made plain text.
    live_links: BTreeSet<String>,
}

impl<'a> Crawl<'a> {
    fn new(router: Router, host: String, base: &'a str, dir: &'a Path) -> Self {
        let mut crawl = Crawl {
            router,
            host,
            base,
            dir,
            queue: VecDeque::new(),
            seen: HashMap::new(),
            report: Report::default(),
        };
        for seed in SEEDS {
            if let Target::Site(path, _) = classify(seed) {
                crawl.visit(path, "(start)");
            }
        }
        crawl
    }

    fn visit(&mut self, path: SitePath, from: &str) {
        if !self.seen.contains_key(&path) {
            self.seen.insert(path.clone(), from.to_owned());
            self.queue.push_back(path);
        }
    }

    async fn run(mut self) -> anyhow::Result<Report> {
        let mut progress = super::progress::Progress::pages(self.queue.len() as u64);
        progress.table("copying");
        let mut fetching = tokio::task::JoinSet::new();
        loop {
            while fetching.len() < IN_FLIGHT {
                let Some(path) = self.queue.pop_front() else {
                    break;
                };
                let (router, host) = (self.router.clone(), self.host.clone());
                fetching.spawn(async move {
                    let fetched = fetch(router, &host, &path).await;
                    (path, fetched)
                });
            }
            let Some(done) = fetching.join_next().await else {
                break;
            };
            let (path, fetched) = done.context("a page's rendering stopped")?;
            self.record(&path, fetched?)?;
            progress.advance(1);
            progress.set_total(self.seen.len() as u64);
        }
        progress.finish();
        Ok(self.report)
    }

    /// Writes what was fetched for `path`, and notes the addresses it leads to.
    fn record(&mut self, path: &SitePath, fetched: Fetched) -> anyhow::Result<()> {
        let uri = path.request_uri();
        let (file, bytes) = match fetched {
            Fetched::Page(file, page) => {
                self.report.pages += 1;
                for link in page.links {
                    self.visit(link, &uri);
                }
                self.report.live_links.extend(page.live_links);
                (file, page.html.into_bytes())
            }
            Fetched::File(file, body) => {
                self.report.files += 1;
                if uri == "/sitemap.xml" {
                    self.follow_sitemap(&body);
                }
                (file, body)
            }
            Fetched::Moved(file, target, page) => {
                self.visit(target, &uri);
                self.report.redirects += 1;
                (file, page.into_bytes())
            }
            Fetched::Missing => {
                self.report.broken.push((uri, self.seen[path].clone()));
                return Ok(());
            }
        };
        let file = self.dir.join(file);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create {}", parent.display()))?;
        }
        std::fs::write(&file, &bytes)
            .with_context(|| format!("could not write {}", file.display()))?;
        self.report.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Copies every address the sitemap lists too, linked or not.
    fn follow_sitemap(&mut self, sitemap: &[u8]) {
        let text = String::from_utf8_lossy(sitemap);
        let Ok(document) = roxmltree::Document::parse(&text) else {
            return;
        };
        let locations = document.descendants().filter(|n| n.has_tag_name("loc"));
        for url in locations.filter_map(|n| n.text()) {
            let Some(path) = url.trim().strip_prefix(self.base) else {
                continue;
            };
            let path = if path.is_empty() { "/" } else { path };
            if let Target::Site(path, _) = classify(path) {
                self.visit(path, "/sitemap.xml");
            }
        }
    }
}

/// What the live site answered for an address, made ready for the copy.
enum Fetched {
    Page(PathBuf, rewrite::Rewritten),
    File(PathBuf, Vec<u8>),
    /// A redirect: where to, and the page that says so.
    Moved(PathBuf, SitePath, String),
    /// A 404, or an address no file can be named after.
    Missing,
}

/// Asks the router for `path` as an anonymous reader would.
async fn fetch(router: Router, host: &str, path: &SitePath) -> anyhow::Result<Fetched> {
    let uri = path.request_uri();
    let Some(file) = path.file() else {
        return Ok(Fetched::Missing);
    };
    let request = Request::get(&uri)
        .header(header::HOST, host)
        .body(Body::empty())
        .context("building a request")?;
    let response = router
        .oneshot(request)
        .await
        .with_context(|| format!("asking for {uri}"))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .with_context(|| format!("reading {uri}"))?;
    match status {
        StatusCode::OK => {
            let html = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"));
            if !html {
                return Ok(Fetched::File(file, body.to_vec()));
            }
            let page = rewrite::rewrite(path, &String::from_utf8_lossy(&body))
                .with_context(|| format!("rewriting the links of {uri}"))?;
            Ok(Fetched::Page(file, page))
        }
        status if status.is_redirection() => {
            let location = headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("/");
            let Target::Site(target, fragment) = classify(location) else {
                bail!("{uri} redirects out of the site, to {location}");
            };
            let (Some(link), false) = (path.link_to(&target, fragment.as_deref()), path.is_file())
            else {
                bail!("{uri} redirects to {location}, which a static copy cannot say");
            };
            Ok(Fetched::Moved(file, target, redirect_page(&link)))
        }
        StatusCode::NOT_FOUND => Ok(Fetched::Missing),
        status => bail!("{uri} answered {status}: see the log above"),
    }
}

/// A moved page (such as a Flask-era `/post/<id>` address): a page that sends the browser on,
/// without JavaScript.
fn redirect_page(link: &str) -> String {
    let link = html_escape::encode_double_quoted_attribute(link);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title>\
         <link rel=\"canonical\" href=\"{link}\"><meta http-equiv=\"refresh\" content=\"0; url={link}\">\
         </head><body><p>This page has moved: <a href=\"{link}\">{link}</a>.</p></body></html>\n"
    )
}

impl Report {
    fn print(&self, dir: &Path, seconds: f64) {
        println!(
            "Copied {} pages, {} files and {} moved addresses ({:.1} MB) into {} in {seconds:.1} s.",
            self.pages,
            self.files,
            self.redirects,
            self.bytes as f64 / 1e6,
            dir.display()
        );
        if !self.live_links.is_empty() {
            println!(
                "{} address(es) linked from posts need the server (a form, an account): those \
                 links are plain text in the copy:",
                self.live_links.len()
            );
            for address in self.live_links.iter().take(20) {
                println!("  {address}");
            }
        }
        if !self.broken.is_empty() {
            println!(
                "{} link(s) lead nowhere on the live site either (404), left as they are:",
                self.broken.len()
            );
            for (address, from) in self.broken.iter().take(20) {
                println!("  {address} (linked from {from})");
            }
        }
    }
}
