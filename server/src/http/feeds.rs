//! Feeds and discoverability: Atom (`/feed.xml`) and RSS (`/rss.xml`) of the newest posts,
//! `/sitemap.xml` and `/robots.txt`. All read posts as published *now*, so drafts never appear
//! and a scheduled post appears by itself when its time comes. Links are absolute, made with
//! `QUIRE_PUBLIC_URL` (or the request's host when it is unset).

use std::fmt::Write;

use app::db::feed::{FeedEntry, SitemapEntry};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::headers::HeaderMapExt;
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

/// Posts in a feed: what readers' apps show as "new".
const FEED_POSTS: u32 = 20;
/// The sitemap protocol's limit per file.
const SITEMAP_URLS: u32 = 50_000;
const SITE_TITLE: &str = "Quire";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feed.xml", get(atom))
        .route("/rss.xml", get(rss))
        .route("/tags/{tag}/feed.xml", get(tag_atom))
        .route("/tags/{tag}/rss.xml", get(tag_rss))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
}

fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    state.site.base_url(host)
}

/// Which feed: the whole blog's, or one tag's.
struct Channel {
    title: String,
    /// The page the feed follows, relative to the base: "" or "/tags/<slug>".
    path: String,
    tag: Option<String>,
}

impl Channel {
    /// The address of the page the feed follows.
    fn page(&self) -> &str {
        if self.path.is_empty() {
            "/"
        } else {
            &self.path
        }
    }

    fn site() -> Self {
        Channel {
            title: SITE_TITLE.to_owned(),
            path: String::new(),
            tag: None,
        }
    }

    /// The channel of the tag `slug`, if it exists.
    async fn of_tag(state: &AppState, slug: &str) -> Result<Option<Self>, Response> {
        if !app::domain::is_tag_slug(slug) {
            return Ok(None);
        }
        match app::db::tags::by_slug(&state.db, slug).await {
            Ok(tag) => Ok(tag.map(|tag| Channel {
                title: format!("{SITE_TITLE}: {}", tag.name),
                path: tag.href(),
                tag: Some(tag.slug),
            })),
            Err(e) => Err(AppError::from_db("reading a tag", e).into_response()),
        }
    }
}

#[derive(Clone, Copy)]
enum Format {
    Atom,
    Rss,
}

async fn feed(state: &AppState, headers: &HeaderMap, channel: Channel, format: Format) -> Response {
    let base = base_url(state, headers);
    let posts = app::db::feed::latest(
        &state.db,
        app::db::now(),
        FEED_POSTS,
        channel.tag.as_deref(),
    )
    .await;
    match (posts, format) {
        (Ok(posts), Format::Atom) => xml(
            headers,
            "application/atom+xml; charset=utf-8",
            atom_document(&base, &channel, &posts),
        ),
        (Ok(posts), Format::Rss) => xml(
            headers,
            "application/rss+xml; charset=utf-8",
            rss_document(&base, &channel, &posts),
        ),
        (Err(e), _) => AppError::from_db("reading a feed", e).into_response(),
    }
}

async fn atom(State(state): State<AppState>, headers: HeaderMap) -> Response {
    feed(&state, &headers, Channel::site(), Format::Atom).await
}

async fn rss(State(state): State<AppState>, headers: HeaderMap) -> Response {
    feed(&state, &headers, Channel::site(), Format::Rss).await
}

async fn tag_feed(state: AppState, headers: HeaderMap, slug: &str, format: Format) -> Response {
    match Channel::of_tag(&state, slug).await {
        Ok(Some(channel)) => feed(&state, &headers, channel, format).await,
        Ok(None) => (StatusCode::NOT_FOUND, "There is no such tag.").into_response(),
        Err(response) => response,
    }
}

async fn tag_atom(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    tag_feed(state, headers, &slug, Format::Atom).await
}

async fn tag_rss(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    tag_feed(state, headers, &slug, Format::Rss).await
}

async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let base = base_url(&state, &headers);
    match app::db::feed::sitemap(&state.db, app::db::now(), SITEMAP_URLS).await {
        Ok(posts) => xml(
            &headers,
            "application/xml; charset=utf-8",
            sitemap_document(&base, &posts),
        ),
        Err(e) => AppError::from_db("reading the sitemap", e).into_response(),
    }
}

async fn robots(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let base = base_url(&state, &headers);
    let text = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /api/\nDisallow: /account\n\
         \nSitemap: {base}/sitemap.xml\n"
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        text,
    )
        .into_response()
}

/// An XML reply that readers may cache for five minutes and revalidate by its ETag.
fn xml(request: &HeaderMap, content_type: &'static str, body: String) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let etag = super::etag::strong(&hex::encode(&digest[..12]));
    let fresh = etag
        .as_ref()
        .is_some_and(|e| super::etag::client_has(request, e));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    if let Some(etag) = etag {
        headers.typed_insert(etag);
    }
    response
}

/// Text for XML content and attribute values.
fn escape(text: &str) -> String {
    // Characters XML 1.0 does not allow at all go (the domain refuses them; belt and braces).
    let allowed: String = text
        .chars()
        .filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    html_escape::encode_quoted_attribute(&allowed).into_owned()
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// When the newest change among `posts` happened (the epoch for an empty feed).
fn last_change(posts: &[FeedEntry]) -> DateTime<Utc> {
    posts
        .iter()
        .map(FeedEntry::changed_at)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

fn post_url(base: &str, slug: &str) -> String {
    format!("{base}/posts/{slug}")
}

fn atom_document(base: &str, channel: &Channel, posts: &[FeedEntry]) -> String {
    let updated = last_change(posts);
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>{title}</title>\n<id>{base}{page}</id>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{base}{path}/feed.xml\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{base}{page}\"/>\n\
         <updated>{updated}</updated>\n<generator>Quire</generator>\n",
        title = escape(&channel.title),
        base = escape(base),
        path = escape(&channel.path),
        page = escape(channel.page()),
        updated = rfc3339(updated),
    );
    for post in posts {
        let url = escape(&post_url(base, &post.slug));
        let _ = write!(
            xml,
            "<entry>\n<title>{title}</title>\n<id>{url}</id>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
             <published>{published}</published>\n<updated>{updated}</updated>\n",
            title = escape(&post.title),
            published = rfc3339(post.published_at),
            updated = rfc3339(post.changed_at()),
        );
        for name in authors(post) {
            let _ = writeln!(xml, "<author><name>{}</name></author>", escape(&name));
        }
        if !post.subtitle.is_empty() {
            let _ = writeln!(xml, "<summary>{}</summary>", escape(&post.subtitle));
        }
        let _ = write!(
            xml,
            "<content type=\"html\">{}</content>\n</entry>\n",
            escape(&app::render::post_body_html(&post.body, post.body_format))
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// The post's author, then its co-authors: each an `<author>` (Atom) or a `<dc:creator>` (RSS).
fn authors(post: &FeedEntry) -> impl Iterator<Item = String> + '_ {
    std::iter::once(post.author_name.clone()).chain(
        app::db::coauthors::parse(&post.coauthors)
            .into_iter()
            .map(|a| a.name),
    )
}

fn rss_document(base: &str, channel: &Channel, posts: &[FeedEntry]) -> String {
    let built = last_change(posts);
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n\
         <title>{title}</title>\n<link>{base}{page}</link>\n\
         <description>The newest posts on {title}</description>\n\
         <atom:link href=\"{base}{path}/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n\
         <lastBuildDate>{built}</lastBuildDate>\n",
        title = escape(&channel.title),
        base = escape(base),
        path = escape(&channel.path),
        page = escape(channel.page()),
        built = built.to_rfc2822(),
    );
    for post in posts {
        let url = escape(&post_url(base, &post.slug));
        let _ = write!(
            xml,
            "<item>\n<title>{title}</title>\n<link>{url}</link>\n\
             <guid isPermaLink=\"true\">{url}</guid>\n<pubDate>{published}</pubDate>\n",
            title = escape(&post.title),
            published = post.published_at.to_rfc2822(),
        );
        for name in authors(post) {
            let _ = writeln!(xml, "<dc:creator>{}</dc:creator>", escape(&name));
        }
        let _ = write!(
            xml,
            "<description>{html}</description>\n</item>\n",
            html = escape(&app::render::post_body_html(&post.body, post.body_format)),
        );
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

fn sitemap_document(base: &str, posts: &[SitemapEntry]) -> String {
    let base = escape(base);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
         <url><loc>{base}/</loc></url>\n<url><loc>{base}/about</loc></url>\n"
    );
    for post in posts {
        let _ = writeln!(
            xml,
            "<url><loc>{base}/posts/{slug}</loc><lastmod>{changed}</lastmod></url>",
            slug = escape(&post.slug),
            changed = rfc3339(post.updated_at.max(post.published_at)),
        );
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(
            escape("<b>\"Tom\" & 'Jerry'</b>\u{1}"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#x27;Jerry&#x27;&lt;/b&gt;"
        );
    }
}
