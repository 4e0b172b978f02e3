//! The few routes that are not pages, feeds, images or files: health probes, and the old
//! addresses of imported posts (the Flask blog's `/post/<id>`, WordPress' and Ghost's).

use app::domain::OldAddress;
use app::error::AppError;
use app::shell;
use app::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};

use super::middleware::request_log::Probe;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { (Extension(Probe), "ok") }))
        .route("/readyz", get(readiness))
        .route("/post/{id}", get(old_post_address))
}

/// `/readyz`: 200 when the database answers and is fully migrated, else 503 (no details:
/// the log has them).
async fn readiness(State(state): State<AppState>) -> Response {
    if state.db.is_ready().await {
        (StatusCode::OK, Extension(Probe), "ready").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Extension(Probe),
            "not ready",
        )
            .into_response()
    }
}

/// `/post/<id>`, the Flask blog's post addresses: a permanent redirect to `/posts/<slug>`, so
/// old links and bookmarks keep working. Unknown ids get the usual 404 page.
async fn old_post_address(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    request: Request,
) -> Response {
    let slug = match id.parse::<i64>() {
        Ok(id) => app::db::posts::slug_by_id(&state.db, id).await,
        Err(_) => Ok(None),
    };
    match slug {
        Ok(Some(slug)) => to_post(&slug),
        Ok(None) => {
            leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, State(state), request)
                .await
        }
        Err(e) => AppError::from_db("looking up an old post address", e).into_response(),
    }
}

/// Answers an imported post's old address (`/2024/05/hello/`, `/?p=123`) with a permanent
/// redirect to the post, and any other address that ends in a slash with the same without
/// it. Only what would be a 404 is looked up, so other pages cost nothing; the exception is a
/// plain WordPress link, `/?p=…`, which the home page would answer.
pub async fn old_addresses(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    // Cheap: a `Uri` shares its bytes. Nothing is parsed unless the answer is a 404.
    let uri = request.uri().clone();
    if uri.path() == "/" {
        let plain_link = OldAddress::from_parts("/", uri.query());
        if let Some(found) = redirect(&state, plain_link).await {
            return found;
        }
        return next.run(request).await;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    if let Some(found) = redirect(&state, OldAddress::from_parts(uri.path(), None)).await {
        return found;
    }
    // Static site generators' addresses end in a slash (`/posts/hello/`); Quire's do not.
    match uri.path().strip_suffix('/') {
        Some(path) => match uri.query() {
            Some(query) => Redirect::permanent(&format!("{path}?{query}")).into_response(),
            None => Redirect::permanent(path).into_response(),
        },
        None => response,
    }
}

/// The redirect to the post that had `address`, if one did.
async fn redirect(state: &AppState, address: Option<OldAddress>) -> Option<Response> {
    match app::db::posts::slug_by_old_address(&state.db, &address?).await {
        Ok(slug) => slug.map(|slug| to_post(&slug)),
        Err(e) => Some(AppError::from_db("looking up an old address", e).into_response()),
    }
}

/// A permanent redirect to the post at `slug`, which may hold letters outside ASCII: a header
/// may not, so they are percent-encoded as a browser would.
fn to_post(slug: &str) -> Response {
    const NOT_IN_A_HEADER: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');
    let slug = percent_encoding::utf8_percent_encode(slug, NOT_IN_A_HEADER);
    Redirect::permanent(&format!("/posts/{slug}")).into_response()
}
