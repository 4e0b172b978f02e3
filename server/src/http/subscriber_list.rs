//! The admin's subscriber list as a file, from the subscribers page:
//! `GET /admin/subscribers.csv` downloads it, and `POST /admin/subscribers/import` takes one
//! (a multipart form post: the file in `file`, `dry_run` ticked to only see what would
//! change). Both are admin only; the import sits behind the same session, body-limit and
//! cross-site layers as the server functions.
//!
//! The import answers with a redirect back to the page, which says what happened from the
//! query alone: `?imported=<five counts>` (with `&dry_run=1`), or `?import_error=<code>`
//! (with `&lines=` for lines that are not addresses). Numbers and codes only, so a link made
//! elsewhere cannot put words on the admin's page; the rules are in
//! `app::service::subscriber_lists`, shared with `quire subscribers`.

use app::auth::AuthSession;
use app::error::AppError;
use app::service::subscriber_lists::{self, ReadProblem};
use app::service::Caller;
use app::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::http::middleware::limits::LIST_REQUEST_LIMIT;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/subscribers.csv", get(export))
        .route("/admin/subscribers/import", post(import))
        // `limits::limit_bodies` has already refused anything larger than a list may be.
        .layer(DefaultBodyLimit::max(LIST_REQUEST_LIMIT))
}

fn refused(err: AppError) -> Response {
    let message = err.to_string();
    err.respond_with(message)
}

async fn export(State(state): State<AppState>, auth: AuthSession) -> Response {
    if let Err(e) = Caller::on_site(auth.user, &state.site).require_admin() {
        return refused(e);
    }
    let mut csv = Vec::new();
    match subscriber_lists::export(&state.db, &mut csv).await {
        Ok(count) => {
            tracing::info!(subscribers = count, "subscriber list downloaded");
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"subscribers.csv\"",
                    ),
                    // Addresses: kept by no cache on the way.
                    (header::CACHE_CONTROL, "no-store"),
                ],
                csv,
            )
                .into_response()
        }
        Err(subscriber_lists::ExportError::Database(e)) => {
            refused(AppError::from_db("exporting the subscribers", e))
        }
        Err(e) => refused(AppError::internal("exporting the subscribers", e)),
    }
}

/// What the page is told.
enum Outcome {
    Imported {
        counts: subscriber_lists::ImportCounts,
        dry_run: bool,
    },
    Refused(&'static str),
    BadLines(Vec<u64>),
}

impl Outcome {
    fn query(&self) -> String {
        match self {
            Outcome::Imported { counts, dry_run } => {
                let c = counts;
                let dry = if *dry_run { "&dry_run=1" } else { "" };
                format!(
                    "imported={}.{}.{}.{}.{}{dry}",
                    c.added_confirmed, c.added_pending, c.now_confirmed, c.unchanged, c.kept_out
                )
            }
            Outcome::Refused(code) => format!("import_error={code}"),
            Outcome::BadLines(lines) => {
                let shown: Vec<String> = lines.iter().take(10).map(u64::to_string).collect();
                format!(
                    "import_error=lines&lines={}&of={}",
                    shown.join("."),
                    lines.len()
                )
            }
        }
    }
}

async fn import(
    State(state): State<AppState>,
    auth: AuthSession,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if let Err(e) = Caller::on_site(auth.user, &state.site).require_admin() {
        return refused(e);
    }
    let outcome = match read_form(multipart).await {
        Err(code) => Outcome::Refused(code),
        Ok((file, dry_run)) => match subscriber_lists::read_csv(file.as_slice()) {
            Err(ReadProblem::NoEmailColumn) => Outcome::Refused("no_email_column"),
            Err(ReadProblem::BadLines(lines)) => Outcome::BadLines(lines),
            Ok(rows) => match subscriber_lists::import(&state.db, &rows, dry_run, || {}).await {
                Ok(counts) => {
                    tracing::info!(rows = rows.len(), dry_run, "subscriber list imported");
                    Outcome::Imported { counts, dry_run }
                }
                Err(e) => {
                    tracing::error!(error = %e, "a subscriber import failed; nothing was changed");
                    Outcome::Refused("failed")
                }
            },
        },
    };
    let location = format!("/admin/subscribers?{}", outcome.query());
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The file's bytes and whether this is a dry run, or why the form cannot be read.
async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(Vec<u8>, bool), &'static str> {
    let mut multipart = multipart.map_err(|_| "not_a_form")?;
    let (mut file, mut dry_run) = (None, false);
    while let Some(field) = multipart.next_field().await.map_err(|_| "not_a_form")? {
        match field.name() {
            Some("file") => file = Some(field.bytes().await.map_err(|_| "not_a_form")?),
            Some("dry_run") => dry_run = true,
            _ => {}
        }
    }
    match file {
        Some(bytes) if !bytes.is_empty() => Ok((bytes.to_vec(), dry_run)),
        _ => Err("no_file"),
    }
}
