//! The client bundle (`/pkg/…`: WASM, JS, CSS), served precompressed from the release build.
//!
//! Pages load it from `/v/<version>/pkg/…`, where the version is a hash of the bundle's files
//! taken once at start-up: a new build is a new address, so browsers may keep the files for a
//! year without asking again (`immutable`). The plain `/pkg/…` addresses keep working, for
//! tools and old pages, and are revalidated (`no-cache`, 304 while unchanged).

use std::path::Path;

use app::state::AppState;
use app::AssetRoot;
use axum::extract::{Path as UrlPath, Request};
use axum::http::header::{self, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

const FOR_A_YEAR: &str = "public, max-age=31536000, immutable";

/// The bundle's version: the first 16 hex digits of a SHA-256 over its files (names and
/// bytes, in name order). `None` when there is no bundle to hash, as in the integration
/// tests, which then get the plain addresses.
pub fn version(options: &LeptosOptions) -> Option<String> {
    let dir = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".wasm") || name.ends_with(".js") || name.ends_with(".css"))
        .collect();
    if names.is_empty() {
        return None;
    }
    names.sort();
    let mut hasher = Sha256::new();
    for name in &names {
        hasher.update(name.as_bytes());
        hasher.update(std::fs::read(dir.join(name)).ok()?);
    }
    let digest = hasher.finalize();
    Some(hex::encode(&digest[..8]))
}

/// Where pages load the bundle from (see [`version`]).
pub fn root(version: Option<&str>) -> AssetRoot {
    AssetRoot(version.map(|v| format!("/v/{v}")).unwrap_or_default())
}

/// `/pkg/{*file}` and `/v/{version}/pkg/{*file}`, with their `.br` and `.gz` siblings served
/// to browsers that accept them.
pub fn routes(options: &LeptosOptions, version: Option<String>) -> Router<AppState> {
    let files = leptos_axum::site_pkg_dir_service(options);
    let pkg = options.site_pkg_dir.to_string();
    let plain = {
        let files = files.clone();
        move |request: Request| async move {
            let response = files.oneshot(request).await.into_response();
            with_cache_control(response, "no-cache")
        }
    };
    let versioned = {
        let pkg = pkg.clone();
        move |UrlPath((asked, file)): UrlPath<(String, String)>, request: Request| {
            let files = files.clone();
            let current = version.as_deref() == Some(asked.as_str());
            let uri = format!("/{pkg}/{file}").parse::<Uri>();
            async move {
                let Ok(uri) = uri else {
                    return StatusCode::NOT_FOUND.into_response();
                };
                let (mut parts, body) = request.into_parts();
                parts.uri = uri;
                let response = files
                    .oneshot(Request::from_parts(parts, body))
                    .await
                    .into_response();
                // An old version's address gets today's file: it must not be kept under it.
                let policy = match current && response.status().is_success() {
                    true => FOR_A_YEAR,
                    false => "no-cache",
                };
                with_cache_control(response, policy)
            }
        }
    };
    Router::new()
        .route(&format!("/{pkg}/{{*file}}"), get(plain))
        .route(&format!("/v/{{version}}/{pkg}/{{*file}}"), get(versioned))
}

fn with_cache_control(mut response: Response, policy: &'static str) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}
