//! The public pages of logged-in readers, from one rendering shared by all of them.
//!
//! A reader's home page, post, tag, author and About pages differ from every other reader's
//! only by their name in the header — and, on a post, by their own comments (a Delete button,
//! one awaiting approval). So such a page is rendered once, for a stand-in reader who exists
//! nowhere, kept as a template with a hole where the stand-in's name is, and each reader gets
//! it with their own name: a copy instead of a rendering. A reader with comments on a post
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
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;

use super::template::{find, Template, Unfit};
use super::{collect, keepable, Audience, Kept, Key, Page, PageCache};

/// The pages kept for readers: those anyone may read and that depend on nothing of the reader
/// but their name. Others (their account, search results) are rendered for them.
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

/// The key of a reader's request for a shared page, and the reader's id and name.
fn reader_request(request: &Request) -> Option<(Key, i64, String)> {
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
        (
            Key::new(request, Audience::Reader),
            user.id,
            user.name.clone(),
        )
    })
}

/// Whether the reader has comments of their own on the post the request is for (so it must
/// be rendered for them); `None` when that cannot be told.
async fn owns_comments(cache: &PageCache, path: &str, reader: i64) -> Option<bool> {
    let Some(slug) = path.strip_prefix("/posts/") else {
        return Some(false);
    };
    let slug = percent_encoding::percent_decode_str(slug)
        .decode_utf8()
        .ok()?;
    match app::db::comments::has_own_on_post(&cache.db, &slug, reader).await {
        Ok(owns) => Some(owns),
        Err(e) => {
            tracing::debug!(error = %e, "page cache: a reader's comments unavailable");
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
    let (Some(cache), Some((key, reader, name))) = (cache, reader_request(&request)) else {
        return next.run(request).await;
    };
    if owns_comments(&cache, request.uri().path(), reader).await != Some(false) {
        return next.run(request).await;
    }
    let Some(version) = cache.version.current().await else {
        return next.run(request).await;
    };
    let _leader = match cache.find_or_lead(&key, version).await {
        Ok(page) => match page.for_reader(&name, request.headers(), "hit") {
            Some(response) => return response,
            None => None,
        },
        Err(leader) => leader,
    };
    let Some(expires) = cache.expiry().await else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let mut as_stand_in = Request::from_parts(parts.clone(), Body::empty());
    if let Some(session) = as_stand_in.extensions_mut().get_mut::<AuthSession>() {
        session.user = Some(cache.stand_in.user());
    }
    let rendered = next.clone().run(as_stand_in).await;
    if keepable(&rendered) {
        if let Ok((head, page, route)) = collect(rendered).await {
            let placeholder = cache.stand_in.name().to_owned();
            let shows_stand_in = cache
                .stand_in
                .must_not_show()
                .iter()
                .any(|s| find(&page, s.as_bytes()).is_some());
            let made = tokio::task::spawn_blocking(move || {
                if shows_stand_in {
                    return Err(Unfit::ShowsStandIn);
                }
                Template::new(&page, &placeholder)
            })
            .await;
            match made {
                Ok(Ok(template)) => {
                    let page = Page {
                        version,
                        route,
                        expires,
                        headers: head.headers,
                        body: Kept::Template(template),
                    };
                    let response = page.for_reader(&name, &parts.headers, "miss");
                    cache.put(key, page);
                    if let Some(response) = response {
                        return response;
                    }
                }
                Ok(Err(unfit)) => {
                    tracing::warn!(?unfit, path = %parts.uri.path(), "page cache: a reader's page cannot be shared");
                }
                Err(e) => {
                    tracing::error!(error = %e, "page cache: making a reader's template failed")
                }
            }
        }
    }
    // Not kept (an error page, say): the reader's own rendering.
    next.run(Request::from_parts(parts, body)).await
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
