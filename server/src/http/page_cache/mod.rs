//! Rendered pages kept in memory for readers who are not logged in.
//!
//! Rendering a page costs hundreds of microseconds of CPU; handing back bytes already
//! rendered and compressed costs a few. Every anonymous reader of a page gets the same HTML,
//! so each instance keeps the last rendering of each address (with its Host), already
//! compressed as brotli and gzip, up to `QUIRE_PAGE_CACHE_MIB`.
//!
//! A kept page is served only while it is still right:
//! - it was rendered under the database's current content version, a counter that triggers
//!   move on every change anonymous readers could see (migration 0009), read after the
//!   request arrived (one single-row read serves all requests waiting for it, see
//!   `app::freshness`), so a change made through any instance, an import or a hand-written
//!   `UPDATE` reaches the readers of every instance with their next request;
//! - and no scheduled post has gone live since it was rendered (no write marks that moment).
//!
//! The CSP nonce of a kept page is served to every reader of that page. It stays unguessable
//! where it matters: any change to what the page shows, such as a comment, moves the content
//! version and the page is rendered again with a fresh nonce, so nobody can learn a page's
//! nonce before the content they control is in it.
//!
//! Readers with a session cookie are not served by this layer. The public pages of a
//! logged-in reader (not the admin) come from a rendering shared by all readers, with each
//! one's name filled in (`readers`); every other page of theirs is rendered for them.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use app::db::{self, Db};
use app::domain::Theme;
use app::freshness::Freshness;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::headers::{ETag, HeaderMapExt};
use chrono::{DateTime, Utc};
use quick_cache::sync::Cache;
use quick_cache::{OptionsBuilder, Weighter};
use sha2::{Digest, Sha256};

use crate::http::middleware::request_log::Route;
use crate::http::middleware::session::has_session_cookie;

mod readers;
mod template;
pub use readers::serve_readers;
use readers::ReaderPage;

/// Says whether a page came from the cache (`hit`) or was rendered for this request (`miss`).
pub const CACHE_HEADER: &str = "x-quire-cache";

/// Paths that are never pages: files, server functions, probes.
const NOT_PAGES: [&str; 5] = ["/pkg/", "/api/", "/images/", "/healthz", "/readyz"];

pub struct PageCache {
    db: Db,
    /// Who logged-in readers' shared pages are rendered for.
    stand_in: app::auth::stand_in::StandIn,
    capacity: usize,
    pages: Cache<Key, Arc<Page>, PageBytes>,
    /// The content version the kept pages were rendered under: when it moves, they go.
    kept_version: AtomicI64,
    freshness: Arc<Freshness>,
    /// Addresses being rendered for the cache right now: other requests for them wait for
    /// that rendering rather than render the same page again.
    renderings: Mutex<HashMap<Key, Arc<tokio::sync::RwLock<()>>>>,
}

impl Key {
    fn new(request: &Request, audience: Audience) -> Key {
        let headers = request.headers();
        Key {
            host: headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("")
                .to_ascii_lowercase(),
            path_and_query: request.uri().path_and_query().map_or_else(
                || request.uri().path().to_owned(),
                |pq| pq.as_str().to_owned(),
            ),
            theme: Theme::from_cookie_headers(
                headers
                    .get_all(header::COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            ),
            audience,
        }
    }
}

/// A request's part in rendering its page (see [`PageCache::join_rendering`]).
enum Rendering<'a> {
    /// This request renders; the others wait until this is dropped.
    Leader(RenderingGuard<'a>),
    /// Another request is rendering the page: wait on this, then look again.
    Follower(Arc<tokio::sync::RwLock<()>>),
}

struct RenderingGuard<'a> {
    cache: &'a PageCache,
    key: Key,
    _lock: tokio::sync::OwnedRwLockWriteGuard<()>,
}

impl Drop for RenderingGuard<'_> {
    /// Also when the request is abandoned midway: the waiting ones must not wait forever.
    fn drop(&mut self) {
        lock(&self.cache.renderings).remove(&self.key);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A kept page weighs its bytes, in all three encodings, and its key's.
#[derive(Clone)]
struct PageBytes;

impl Weighter<Key, Arc<Page>> for PageBytes {
    fn weight(&self, key: &Key, page: &Arc<Page>) -> u64 {
        page.size(key) as u64
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    host: String,
    path_and_query: String,
    /// Pages are rendered in the reader's chosen theme (`<html data-theme>`).
    theme: Theme,
    audience: Audience,
}

/// Whom a kept page is for.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Audience {
    Anonymous,
    /// Any logged-in reader: the page has a hole for their name.
    Reader,
}

struct Page {
    version: i64,
    /// The route it was rendered by, for the log lines of its readers.
    route: Option<Route>,
    /// When the next scheduled post goes live: the page is stale from then on.
    expires: Option<DateTime<Utc>>,
    /// The headers the page was rendered with, minus those about the body's encoding.
    headers: HeaderMap,
    body: Kept,
}

enum Kept {
    /// The same page for every anonymous reader.
    Whole(Whole),
    /// A page for logged-in readers, with holes for their name.
    Readers(ReaderPage),
}

struct Whole {
    etag: ETag,
    identity: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

impl Page {
    fn size(&self, key: &Key) -> usize {
        let body = match &self.body {
            Kept::Whole(w) => w.identity.len() + w.brotli.len() + w.gzip.len(),
            Kept::Readers(r) => r.size(),
        };
        body + key.host.len() + key.path_and_query.len()
    }

    /// The kept page for a new reader, if it is one for anonymous readers.
    fn hit(&self, request_headers: &HeaderMap) -> Option<Response> {
        let Kept::Whole(whole) = &self.body else {
            return None;
        };
        self.record_route();
        Some(whole.response(&self.headers, request_headers, "hit"))
    }

    fn record_route(&self) {
        if let Some(route) = &self.route {
            route.record();
        }
    }

    /// A logged-in reader's page: the template with their name. Only gzip (brotli cannot be
    /// spliced), and no validator: such pages are `private, no-store` (`security_headers`).
    /// `None` when the page is not one for readers, or must be rendered for this one.
    fn for_reader(
        &self,
        reader: &readers::Reader,
        request_headers: &HeaderMap,
        outcome: &'static str,
    ) -> Option<Response> {
        let Kept::Readers(page) = &self.body else {
            return None;
        };
        let gzip = Encoding::accepted(request_headers).1;
        let mut response = Response::new(Body::from(page.fill(reader, gzip)?));
        *response.headers_mut() = self.headers.clone();
        let headers = response.headers_mut();
        if gzip {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(
            HeaderName::from_static(CACHE_HEADER),
            HeaderValue::from_static(outcome),
        );
        Some(response)
    }
}

impl Whole {
    /// The page with the `headers` it was rendered with.
    fn response(
        &self,
        headers: &HeaderMap,
        request_headers: &HeaderMap,
        outcome: &'static str,
    ) -> Response {
        let mut response = if crate::http::etag::client_has(request_headers, &self.etag) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            for name in [header::CONTENT_SECURITY_POLICY, header::CONTENT_TYPE] {
                if let Some(value) = headers.get(&name) {
                    response.headers_mut().insert(name, value.clone());
                }
            }
            response
        } else {
            let (body, encoding) = match Encoding::preferred(request_headers) {
                Encoding::Brotli => (self.brotli.clone(), Some("br")),
                Encoding::Gzip => (self.gzip.clone(), Some("gzip")),
                Encoding::Identity => (self.identity.clone(), None),
            };
            let mut response = Response::new(Body::from(body));
            *response.headers_mut() = headers.clone();
            if let Some(encoding) = encoding {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
        };
        let headers = response.headers_mut();
        headers.typed_insert(self.etag.clone());
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        // Browsers keep the page but ask again each time; the ETag makes that a 304.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(
            HeaderName::from_static(CACHE_HEADER),
            HeaderValue::from_static(outcome),
        );
        response
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// Brotli when the reader accepts it, else gzip, else none (`q=0` refuses one).
    fn preferred(headers: &HeaderMap) -> Encoding {
        match Encoding::accepted(headers) {
            (true, _) => Encoding::Brotli,
            (false, true) => Encoding::Gzip,
            (false, false) => Encoding::Identity,
        }
    }

    /// Whether the reader accepts brotli, and gzip.
    fn accepted(headers: &HeaderMap) -> (bool, bool) {
        let mut brotli = false;
        let mut gzip = false;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                match name.as_str() {
                    "br" => brotli = true,
                    "gzip" | "x-gzip" => gzip = true,
                    _ => {}
                }
            }
        }
        (brotli, gzip)
    }
}

impl PageCache {
    pub fn new(db: Db, freshness: Arc<Freshness>, capacity: usize) -> PageCache {
        // Four shards, each a quarter of the capacity: room for the largest page kept (an
        // eighth), with less lock contention than one.
        let options = OptionsBuilder::new()
            .shards(4)
            .estimated_items_capacity((capacity / 16_384).max(16))
            .weight_capacity(capacity as u64)
            .build()
            .expect("valid cache options");
        PageCache {
            stand_in: app::auth::stand_in::StandIn::new(),
            freshness,
            db,
            capacity,
            pages: Cache::with_options(options, PageBytes, Default::default(), Default::default()),
            kept_version: AtomicI64::new(i64::MIN),
            renderings: Mutex::new(HashMap::new()),
        }
    }

    fn join_rendering(&self, key: &Key) -> Rendering<'_> {
        let mut renderings = lock(&self.renderings);
        if let Some(running) = renderings.get(key) {
            return Rendering::Follower(running.clone());
        }
        let running = Arc::new(tokio::sync::RwLock::new(()));
        let guard = running
            .clone()
            .try_write_owned()
            .expect("a new lock is free");
        renderings.insert(key.clone(), running);
        Rendering::Leader(RenderingGuard {
            cache: self,
            key: key.clone(),
            _lock: guard,
        })
    }

    /// The key of a request the cache may answer, or `None` when it must go through.
    fn key(request: &Request) -> Option<Key> {
        if request.method() != Method::GET {
            return None;
        }
        let path = request.uri().path();
        if NOT_PAGES.iter().any(|p| path.starts_with(p)) {
            return None;
        }
        // A form sent back with its error (`?__err=…`, a failed plain form post) carries
        // what one person typed: rendered for them, never kept.
        if request.uri().query().is_some_and(|q| q.contains("__err=")) {
            return None;
        }
        let headers = request.headers();
        if headers.contains_key(header::AUTHORIZATION) || has_session_cookie(headers) {
            return None;
        }
        Some(Key::new(request, Audience::Anonymous))
    }

    fn get(&self, key: &Key, version: i64, now: DateTime<Utc>) -> Option<Arc<Page>> {
        if self.kept_version.swap(version, Ordering::AcqRel) != version {
            // Everything kept was rendered under another version: none of it can be served.
            self.pages.clear();
            return None;
        }
        let page = self.pages.get(key)?;
        (page.version == version && page.expires.is_none_or(|at| now < at)).then_some(page)
    }

    fn put(&self, key: Key, page: Page) -> Arc<Page> {
        let page = Arc::new(page);
        // One page may not take more than an eighth: a few huge pages must not push out
        // all the others.
        let current = self.kept_version.load(Ordering::Acquire) == page.version;
        if current && page.size(&key) <= self.capacity / 8 {
            self.pages.insert(key, page.clone());
        }
        page
    }
}

/// Whether a rendered response is the same for every anonymous reader and may be kept.
fn keepable(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && !headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store") || v.contains("private"))
}

/// The middleware: answers anonymous page requests from the cache, and keeps what it renders.
/// `None`: no cache (`QUIRE_PAGE_CACHE_MIB=0`).
pub async fn serve(
    State(cache): State<Option<Arc<PageCache>>>,
    request: Request,
    next: Next,
) -> Response {
    let (Some(cache), Some(key)) = (cache, PageCache::key(&request)) else {
        return next.run(request).await;
    };
    // Without the version nothing kept can be trusted: render as if there were no cache.
    let Some(version) = cache.freshness.now().await.map(|v| v.content) else {
        return next.run(request).await;
    };
    let _leader = match cache.find_or_lead(&key, version).await {
        Ok(page) => match page.hit(request.headers()) {
            Some(response) => return response,
            None => None,
        },
        Err(leader) => leader,
    };
    let Some(expires) = cache.expiry().await else {
        return next.run(request).await;
    };
    let request_headers = request.headers().clone();
    let response = next.run(request).await;
    if !keepable(&response) {
        return response;
    }
    let (parts, identity, route) = match collect(response).await {
        Ok(collected) => collected,
        Err(failed) => return failed,
    };
    let whole = match tokio::task::spawn_blocking(move || compress(identity)).await {
        Ok((identity, brotli, gzip)) => Whole {
            etag: etag(&identity),
            identity,
            brotli,
            gzip,
        },
        Err(e) => {
            tracing::error!(error = %e, "page cache: compressing a page failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let response = whole.response(&parts.headers, &request_headers, "miss");
    cache.put(
        key,
        Page {
            version,
            route,
            expires,
            headers: parts.headers,
            body: Kept::Whole(whole),
        },
    );
    response
}

impl PageCache {
    /// The kept page for `key`; or else, when this request is the one to render it, the
    /// guard that makes the others wait (`None`: render without keeping the others waiting).
    /// One rendering per page at a time: a burst of readers of a page not kept yet waits for
    /// the first one's rendering instead of each rendering (and compressing) it.
    async fn find_or_lead(
        &self,
        key: &Key,
        version: i64,
    ) -> Result<Arc<Page>, Option<RenderingGuard<'_>>> {
        if let Some(page) = self.get(key, version, Utc::now()) {
            return Ok(page);
        }
        match self.join_rendering(key) {
            Rendering::Leader(guard) => Err(Some(guard)),
            Rendering::Follower(running) => {
                drop(running.read().await);
                // Not kept after all (an error page, say): render it as usual.
                self.get(key, version, Utc::now()).ok_or(None)
            }
        }
    }

    /// When the next scheduled post goes live, after which a page rendered now is stale;
    /// `None` when that cannot be read (then nothing rendered now may be kept). Read before
    /// rendering, like the version: a post going live meanwhile only makes the page expire
    /// early.
    async fn expiry(&self) -> Option<Option<DateTime<Utc>>> {
        match db::freshness::next_publication(&self.db, db::now()).await {
            Ok(at) => Some(at),
            Err(e) => {
                tracing::debug!(error = %e, "page cache: next publication unavailable");
                None
            }
        }
    }
}

/// A rendered response's head (minus the headers about its body's length), body and route.
async fn collect(
    response: Response,
) -> Result<(axum::http::response::Parts, Bytes, Option<Route>), Response> {
    let route = response.extensions().get::<Route>().cloned();
    let (mut parts, body) = response.into_parts();
    let identity = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "page cache: rendering a page failed midway");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    for name in [header::CONTENT_LENGTH, header::TRANSFER_ENCODING] {
        parts.headers.remove(name);
    }
    Ok((parts, identity, route))
}

/// The page as it is, as brotli and as gzip. Done once per rendering, so brotli gets a
/// higher quality than per-request compression affords (6 against 4), with a window no
/// larger than the page (the encoder's memory grows with it) — but not below 2^17: for
/// smaller windows the brotli crate has no matching hasher and falls back to one that takes
/// ~33 MiB (measured with heaptrack), against 2.6 MiB at 17, for the same output size.
fn compress(identity: Bytes) -> (Bytes, Bytes, Bytes) {
    let mut brotli = Vec::with_capacity(identity.len() / 4);
    let window = (usize::BITS - identity.len().leading_zeros()).clamp(17, 22);
    {
        let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 6, window);
        writer
            .write_all(&identity)
            .expect("writing to memory cannot fail");
    }
    let mut gzip = flate2::write::GzEncoder::new(
        Vec::with_capacity(identity.len() / 3),
        flate2::Compression::new(6),
    );
    gzip.write_all(&identity)
        .expect("writing to memory cannot fail");
    let gzip = gzip.finish().expect("writing to memory cannot fail");
    (identity, Bytes::from(brotli), Bytes::from(gzip))
}

/// A weak validator (the same page in any encoding) from the page's bytes.
fn etag(identity: &[u8]) -> ETag {
    let digest = Sha256::digest(identity);
    crate::http::etag::weak(&hex::encode(&digest[..12]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::middleware::session::SESSION_COOKIE;

    fn headers(pairs: &[(HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn brotli_is_preferred_and_q0_refuses_an_encoding() {
        let pick = |v: &str| Encoding::preferred(&headers(&[(header::ACCEPT_ENCODING, v)]));
        assert_eq!(pick("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(pick("gzip"), Encoding::Gzip);
        assert_eq!(pick("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(pick("br;q=0.0, gzip; q=0"), Encoding::Identity);
        assert_eq!(pick("identity"), Encoding::Identity);
        assert_eq!(Encoding::preferred(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn compressed_copies_decode_to_the_page() {
        use std::io::Read;
        let page = Bytes::from("<p>hello</p>".repeat(500));
        let (identity, brotli, gzip) = compress(page.clone());
        assert_eq!(identity, page);
        let mut out = Vec::new();
        brotli::Decompressor::new(&brotli[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, page);
        out.clear();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, page);
        assert!(brotli.len() < page.len() / 10 && gzip.len() < page.len() / 10);
    }

    fn request(path: &str, extra: &[(HeaderName, &str)]) -> Request {
        let mut builder = Request::builder()
            .uri(path)
            .header(header::HOST, "Blog.test");
        for (name, value) in extra {
            builder = builder.header(name, *value);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_anonymous_page_reads_are_cacheable() {
        let key = PageCache::key(&request("/posts/a?x=1", &[])).unwrap();
        assert_eq!(key.host, "blog.test");
        assert_eq!(key.path_and_query, "/posts/a?x=1");
        let cookie = format!("theme=dark; {SESSION_COOKIE}=abc");
        assert!(PageCache::key(&request("/", &[(header::COOKIE, &cookie)])).is_none());
        assert!(PageCache::key(&request("/", &[(header::COOKIE, "theme=dark")])).is_some());
        assert!(PageCache::key(&request("/", &[(header::AUTHORIZATION, "Basic x")])).is_none());
        assert!(PageCache::key(&request("/login?__err=abc&__path=x", &[])).is_none());
        for path in [
            "/pkg/quire.wasm",
            "/api/posts/get",
            "/images/a.png",
            "/healthz",
        ] {
            assert!(PageCache::key(&request(path, &[])).is_none(), "{path}");
        }
        let mut post = request("/", &[]);
        *post.method_mut() = Method::POST;
        assert!(PageCache::key(&post).is_none());
    }

    fn page(version: i64, bytes: usize, expires: Option<DateTime<Utc>>) -> Page {
        Page {
            version,
            route: None,
            expires,
            headers: HeaderMap::new(),
            body: Kept::Whole(Whole {
                etag: crate::http::etag::weak("x"),
                identity: Bytes::from(vec![b'a'; bytes]),
                brotli: Bytes::new(),
                gzip: Bytes::new(),
            }),
        }
    }

    fn key(path: &str) -> Key {
        Key {
            host: String::new(),
            path_and_query: path.into(),
            theme: Theme::System,
            audience: Audience::Anonymous,
        }
    }

    #[tokio::test]
    async fn pages_live_while_the_version_holds_and_until_they_expire() {
        let db = Db::Sqlite(sqlx::SqlitePool::connect_lazy("sqlite::memory:").unwrap());
        let freshness = Arc::new(Freshness::new(db.clone()));
        let cache = PageCache::new(db, freshness, 8000);
        let now = Utc::now();
        assert!(cache.get(&key("/"), 1, now).is_none());
        cache.put(key("/"), page(1, 100, None));
        assert!(cache.get(&key("/"), 1, now).is_some());
        // A newer version drops everything.
        assert!(cache.get(&key("/"), 2, now).is_none());
        assert!(cache.get(&key("/"), 1, now).is_none());
        cache.get(&key("/"), 3, now);
        let later = now + chrono::Duration::seconds(5);
        cache.put(key("/a"), page(3, 100, Some(later)));
        assert!(cache.get(&key("/a"), 3, now).is_some());
        assert!(cache.get(&key("/a"), 3, later).is_none());
        // A page rendered under an older version is not kept.
        cache.put(key("/b"), page(2, 100, None));
        assert!(cache.get(&key("/b"), 3, now).is_none());
    }

    #[tokio::test]
    async fn pages_make_room_within_the_capacity_and_huge_ones_are_not_kept() {
        let db = Db::Sqlite(sqlx::SqlitePool::connect_lazy("sqlite::memory:").unwrap());
        let freshness = Arc::new(Freshness::new(db.clone()));
        let cache = PageCache::new(db, freshness, 8000);
        let now = Utc::now();
        cache.get(&key("/"), 1, now);
        for i in 0..10 {
            cache.put(key(&format!("/{i}")), page(1, 998, None));
        }
        let kept = (0..10)
            .filter(|i| cache.get(&key(&format!("/{i}")), 1, now).is_some())
            .count();
        assert!((4..=8).contains(&kept), "{kept} of 10 kept");
        assert!(cache.pages.weight() <= 8000);
        assert!(
            cache.get(&key("/9"), 1, now).is_some(),
            "the newest is kept"
        );
        cache.put(key("/huge"), page(1, 1001, None));
        assert!(cache.get(&key("/huge"), 1, now).is_none());
    }
}
