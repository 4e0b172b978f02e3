//! The few routes that are not pages, feeds, images or files: health probes and the Flask
//! blog's old post addresses.

use app::error::AppError;
use app::shell;
use app::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, Uri};
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
        Ok(Some(slug)) => Redirect::permanent(&format!("/posts/{slug}")).into_response(),
        Ok(None) => {
            leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, State(state), request)
                .await
        }
        Err(e) => AppError::from_db("looking up an old post address", e).into_response(),
    }
}
