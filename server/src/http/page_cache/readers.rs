//! The public pages of logged-in readers, from one rendering shared by all of them.
//!
//! A reader's home page, post, tag, author and About pages differ from every other reader's
//! only by their name (the header) and address (the subscribe form's "To …") — and, on a post,
//! by their own comments (a Delete button, one awaiting approval). So such a page is rendered
//! once, for a stand-in reader who exists nowhere, kept as a template with holes where the
//! stand-in's name and address are, and each reader gets it with their own: a copy instead
//! of a rendering. A reader with comments on a post
//! gets that post rendered for them. The admin (and any other role) is never served from
//! here: their pages carry controls for what they may do.
//!
//! A template lives as long as a kept anonymous page (the content version, the next scheduled
//! post): a change to a name moves the version too, though the name comes from the session.
//! It is never sent as it is: the response is `private, no-store` like every logged-in page
//! (`security_headers`), carries no validator, and its CSP nonce is shared by readers until
//! the content changes, as anonymous pages' are.

use std::sync::Arc;

use app::auth::AuthSession;
use app::domain::Role;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;

use super::template::{find, Template, Unfit};
use super::{collect, keepable, Audience, Kept, Key, Page, PageCache};

/// The pages kept for readers: those anyone may read and that show nothing of the reader but
/// their name and address. Others (their account, search results) are rendered for them.
fn shared_page(path: &str) -> bool {
    let one_segment = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    };
    path == "/"
        || path == "/about"
        || one_segment("/posts/")
        || one_segment("/tags/")
        || one_segment("/authors/")
}

/// Who is asking: what a shared page fills in, and whether it may be shared with them.
pub struct Reader {
    id: i64,
    name: String,
    email: String,
}

/// The key of a reader's request for a shared page, and the reader.
fn reader_request(request: &Request) -> Option<(Key, Reader)> {
    if request.method() != Method::GET || !shared_page(request.uri().path()) {
        return None;
    }
    // A failed form's page carries what was typed; a preview link opens a draft.
    if request
        .uri()
        .query()
        .is_some_and(|q| q.contains("__err=") || q.contains("preview="))
        || request.headers().contains_key(header::AUTHORIZATION)
    {
        return None;
    }
    let user = request.extensions().get::<AuthSession>()?.user.as_ref()?;
    (user.role == Role::Reader).then(|| {
        let reader = Reader {
            id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
        };
        (Key::new(request, Audience::Reader), reader)
    })
}

/// A page kept for readers: the template, and who must not get it.
pub struct ReaderPage {
    template: Template,
    /// Readers with comments of their own on this post (ascending): it is rendered for them.
    commenters: Vec<i64>,
}

impl ReaderPage {
    pub fn size(&self) -> usize {
        self.template.size() + self.commenters.len() * 8
    }

    /// The page for `reader`, unless it must be rendered for them.
    pub fn fill(&self, reader: &Reader, gzip: bool) -> Option<Bytes> {
        if self.commenters.binary_search(&reader.id).is_ok() {
            return None;
        }
        let values = [reader.name.as_str(), reader.email.as_str()];
        Some(if gzip {
            self.template.fill_gzip(&values)
        } else {
            self.template.fill(&values)
        })
    }
}

/// Who has comments of their own on the post at `path` (none for other pages); `None` when
/// that cannot be told. Read after the content version, so it holds every commenter as of
/// that version: a comment moves the version, and with it the page.
async fn commenters(cache: &PageCache, path: &str) -> Option<Vec<i64>> {
    let Some(slug) = path.strip_prefix("/posts/") else {
        return Some(Vec::new());
    };
    let slug = percent_encoding::percent_decode_str(slug)
        .decode_utf8()
        .ok()?;
    match app::db::comments::commenters_on_post(&cache.db, &slug).await {
        Ok(ids) => Some(ids),
        Err(e) => {
            tracing::debug!(error = %e, "page cache: a post's commenters unavailable");
            None
        }
    }
}

/// The middleware, inside the session layers (it needs the reader).
pub async fn serve_readers(
    State(cache): State<Option<Arc<PageCache>>>,
    request: Request,
    next: Next,
) -> Response {
    let (Some(cache), Some((key, reader))) = (cache, reader_request(&request)) else {
        return next.run(request).await;
    };
    let Some(version) = cache.freshness.now().await.map(|v| v.content) else {
        return next.run(request).await;
    };
    let (page, outcome) = match cache.find_or_lead(&key, version).await {
        Ok(page) => (Some(page), "hit"),
        Err(_leader) => {
            let head = head_of(&request);
            let page = render_for_readers(&cache, head, &next, version).await;
            (page.map(|page| cache.put(key, page)), "miss")
        }
    };
    match page.and_then(|page| page.for_reader(&reader, request.headers(), outcome)) {
        Some(response) => response,
        // Theirs alone, or not kept (an error page, say): rendered for them.
        None => next.run(request).await,
    }
}

/// A copy of a GET request's head (its body is empty).
fn head_of(request: &Request) -> Parts {
    let (mut head, ()) = Request::new(()).into_parts();
    head.method = request.method().clone();
    head.uri = request.uri().clone();
    head.version = request.version();
    head.headers = request.headers().clone();
    head.extensions = request.extensions().clone();
    head
}

/// The page for `head`'s address rendered for the stand-in and made a template; `None` when
/// it cannot be kept.
async fn render_for_readers(
    cache: &PageCache,
    mut head: Parts,
    next: &Next,
    version: i64,
) -> Option<Page> {
    let expires = cache.expiry().await?;
    let path = head.uri.path().to_owned();
    if let Some(session) = head.extensions.get_mut::<AuthSession>() {
        session.user = Some(cache.stand_in.user());
    }
    let rendered = next
        .clone()
        .run(Request::from_parts(head, Body::empty()))
        .await;
    if !keepable(&rendered) {
        return None;
    }
    let (head, page, route) = collect(rendered).await.ok()?;
    let commenters = commenters(cache, &path).await?;
    let placeholders = [
        cache.stand_in.name().to_owned(),
        cache.stand_in.email().to_owned(),
    ];
    let shows_stand_in = find(&page, cache.stand_in.id_text().as_bytes()).is_some();
    let made = tokio::task::spawn_blocking(move || {
        if shows_stand_in {
            return Err(Unfit::ShowsStandIn);
        }
        Template::new(&page, &[&placeholders[0], &placeholders[1]])
    })
    .await;
    let template = match made {
        Ok(Ok(template)) => template,
        Ok(Err(unfit)) => {
            tracing::warn!(?unfit, %path, "page cache: a reader's page cannot be shared");
            return None;
        }
        Err(e) => {
            tracing::error!(error = %e, "page cache: making a reader's template failed");
            return None;
        }
    };
    Some(Page {
        version,
        route,
        expires,
        headers: head.headers,
        body: Kept::Readers(ReaderPage {
            template,
            commenters,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::shared_page;

    #[test]
    fn only_public_pages_are_shared() {
        for path in ["/", "/about", "/posts/hello", "/tags/rust", "/authors/3"] {
            assert!(shared_page(path), "{path}");
        }
        for path in [
            "/account",
            "/posts/hello/edit",
            "/posts/",
            "/search",
            "/admin/users",
            "/tags/a/b",
            "/login",
            "/contact",
        ] {
            assert!(!shared_page(path), "{path}");
        }
    }
}
