//! Uploaded images: `POST /api/images` (admin only) stores one in the database, and
//! `GET /images/<sha256>.<ext>` serves it.
//!
//! The upload is a plain multipart form post (field `image`), so the editor's form works
//! without JavaScript too: a browser's form post (it accepts `text/html`) is answered with a
//! redirect back to the editor carrying `?uploaded=<address>` or `?upload_error=<code>`; the
//! editor's script (`Accept: application/json`) gets JSON: `{"url": …}` or `{"error": …}` with
//! the status (401/403, 400 for a request that is not multipart, 413 over 5 MiB, 415 for what is
//! not a PNG, JPEG, GIF or WebP — SVG and HTML included —, 422 for an empty or damaged file).
//! The route sits behind the same session, body-limit and cross-site layers as the server
//! functions (`serve::router`; the limit is `limits::IMAGE_REQUEST_LIMIT`).
//!
//! Addresses are content-addressed, so a served image never changes: it is cached for a year
//! (`immutable`) and revalidated by its hash as ETag.

use app::auth::AuthSession;
use app::db::images::NewImage;
use app::domain::{image_path, parse_image_name, UploadProblem, IMAGE_MAX_BYTES};
use app::error::AppError;
use app::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::http::middleware::limits::IMAGE_REQUEST_LIMIT;
use crate::http::referer::same_site_referer;

/// The upload, to be placed behind the session, body-limit and cross-site layers.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/api/images", post(upload))
        // `limits::limit_bodies` has already refused anything larger; axum's own default
        // (2 MB) would otherwise refuse images the blog accepts.
        .layer(DefaultBodyLimit::max(IMAGE_REQUEST_LIMIT))
}

/// Serving, which needs no session.
pub fn file_routes() -> Router<AppState> {
    Router::new().route("/images/{file}", get(serve_image))
}

/// Not a page: an image viewed on its own may load nothing and run nothing.
const IMAGE_POLICY: &str =
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'none'; sandbox";
const A_YEAR: &str = "public, max-age=31536000, immutable";

/// How the caller wants its answer.
enum Reply {
    /// The editor's script: JSON with a status.
    Json,
    /// A plain HTML form post: a redirect back to the editor page it came from.
    Form { back: String },
}

impl Reply {
    fn of(headers: &HeaderMap) -> Reply {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if accept.contains("text/html") {
            Reply::Form {
                back: editor_page(headers),
            }
        } else {
            Reply::Json
        }
    }

    fn uploaded(self, url: &str, new: bool) -> Response {
        match self {
            Reply::Json => {
                let status = if new {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                };
                (status, axum::Json(json!({ "url": url }))).into_response()
            }
            Reply::Form { back } => see_other(&format!("{back}?uploaded={url}")),
        }
    }

    fn refused(self, problem: UploadProblem) -> Response {
        match self {
            Reply::Json => {
                let body = axum::Json(json!({ "error": problem.message() }));
                (problem.status(), body).into_response()
            }
            Reply::Form { back } => see_other(&format!("{back}?upload_error={}", problem.code())),
        }
    }
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The editor page a form post came from (its Referer, when that is this site's "New post"
/// or "Edit post" page), else "New post". Only a path of ours is ever redirected to.
fn editor_page(headers: &HeaderMap) -> String {
    same_site_referer(headers)
        .map(|back| back.split('?').next().unwrap_or_default().to_owned())
        .filter(|path| app::is_editor_page(path))
        .unwrap_or_else(|| "/admin/posts/new".to_owned())
}

fn error_response(err: AppError) -> Response {
    let body = axum::Json(json!({ "error": err.to_string() }));
    err.respond_with(body)
}

async fn upload(
    State(state): State<AppState>,
    auth: AuthSession,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    // Who first: nobody learns anything about the upload rules without being a writer.
    let caller = app::service::Caller::on_site(auth.user, &state.site);
    let uploader = match caller.require(app::domain::Capability::Write) {
        Ok(user) => user.clone(),
        Err(e) => return error_response(e),
    };
    let reply = Reply::of(&headers);
    let mut multipart = match multipart {
        Ok(multipart) => multipart,
        Err(rejection) => {
            tracing::debug!(error = %rejection, "image upload is not a multipart form");
            return error_response(AppError::BadRequest(
                "Send the image as a multipart form with a file field named \"image\".".into(),
            ));
        }
    };
    let bytes = match read_image_field(&mut multipart).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return reply.refused(UploadProblem::Missing),
        Err(FieldError::TooLarge) => return reply.refused(UploadProblem::TooLarge),
        Err(FieldError::Malformed(e)) => {
            tracing::debug!(error = %e, "could not read an image upload");
            return error_response(AppError::BadRequest(
                "The upload could not be read as a multipart form.".into(),
            ));
        }
    };
    let (kind, size) = match UploadProblem::check(&bytes) {
        Ok(checked) => checked,
        Err(problem) => {
            tracing::info!(
                problem = problem.code(),
                bytes = bytes.len(),
                "image upload refused"
            );
            return reply.refused(problem);
        }
    };
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    let image = NewImage {
        sha256: &sha256,
        content_type: kind.content_type(),
        bytes: &bytes,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        uploader_id: uploader.id,
    };
    match app::db::images::store(&state.db, &image).await {
        Ok(new) => {
            tracing::info!(%sha256, bytes = bytes.len(), new, "image uploaded");
            reply.uploaded(&image_path(&sha256, kind), new)
        }
        Err(e) => error_response(AppError::from_db("storing an uploaded image", e)),
    }
}

enum FieldError {
    TooLarge,
    Malformed(axum::extract::multipart::MultipartError),
}

/// The bytes of the form's `image` field (other fields are skipped), or `None` without one.
async fn read_image_field(multipart: &mut Multipart) -> Result<Option<Vec<u8>>, FieldError> {
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(FieldError::Malformed)?
    {
        if field.name() != Some("image") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(FieldError::Malformed)? {
            if bytes.len() + chunk.len() > IMAGE_MAX_BYTES {
                return Err(FieldError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        // A form submitted with no file chosen sends an empty, nameless file.
        if bytes.is_empty() && field.file_name().is_none_or(str::is_empty) {
            return Ok(None);
        }
        return Ok(Some(bytes));
    }
    Ok(None)
}

async fn serve_image(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some((sha256, kind)) = parse_image_name(&file) else {
        return not_found();
    };
    let etag = format!("\"{sha256}\"");
    // A SHA-256 in hex always makes a valid tag.
    let cached =
        super::etag::strong(sha256).is_some_and(|tag| super::etag::client_has(&headers, &tag));
    let image = match app::db::images::by_hash(&state.db, sha256).await {
        Ok(Some(image)) if image.content_type == kind.content_type() => image,
        Ok(_) => return not_found(),
        Err(e) => return error_response(AppError::from_db("reading an image", e)),
    };
    let fixed = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, A_YEAR.to_owned()),
        (header::CONTENT_SECURITY_POLICY, IMAGE_POLICY.to_owned()),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, fixed).into_response();
    }
    (
        StatusCode::OK,
        fixed,
        [(header::CONTENT_TYPE, image.content_type)],
        image.bytes,
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No such image.").into_response()
}
