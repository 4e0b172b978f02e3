//! Serving: open the database, apply migrations, build the router, serve until told to stop.

use std::sync::Arc;

use app::db::{DatabaseUrl, Db};

use app::auth::csrf::{self, TrustedOrigins};
use app::auth::{SessionStore, Users};
use app::error::AppError;
use app::state::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::Response;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use axum_login::AuthManagerLayerBuilder;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::assets;
use crate::config::Config;
use crate::connections;
use crate::feeds;
use crate::headers::{self, SecurityHeaders};
use crate::images;
use crate::limits;
use crate::page_cache::{self, PageCache};
use crate::request_log::{self, RequestIds};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "quire_session";

/// Whether a request carries a session cookie (a logged-in reader, or one who was).
pub fn has_session_cookie(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .any(|cookie| cookie.trim().split('=').next() == Some(SESSION_COOKIE))
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(
        "could not open the database {url} after {attempts} attempt(s): {source}\n  \
         Check that the database server is running and reachable, and that the URL's user, \
         password and database name are right (QUIRE_DB_CONNECT_ATTEMPTS sets how long to wait)."
    )]
    Connect {
        url: String,
        attempts: u32,
        source: sqlx::Error,
    },
    #[error("could not apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
    #[error("{0}")]
    Command(String),
}

/// Connects to the configured database and brings its schema up to date.
pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
    let url = &config.database.url;
    match config.database.variable {
        Some(variable) => {
            tracing::info!(%url, from = variable, backend = %url.backend(), "opening database")
        }
        None => tracing::info!(%url, "no DATABASE_URL set: using a local SQLite file"),
    }
    let db = connect_with_retries(config).await?;
    if let Some(file) = db.sqlite_file() {
        let shown = std::path::absolute(&file).unwrap_or(file);
        tracing::info!(path = %shown.display(), "SQLite database file");
        if config.database.variable.is_none() && std::env::var_os("PORT").is_some() {
            tracing::warn!(
                "PORT is set, as on a hosting platform, but DATABASE_URL is not: posts are kept \
                 in a local file, which hosts with ephemeral disks delete on every deploy"
            );
        }
    }
    db.migrate().await?;
    tracing::info!("database schema is up to date");
    Ok(db)
}

/// Connects, retrying with a doubling wait (0.5 s up to 8 s) while the database is not up
/// yet — as when a host starts the blog before its database has finished provisioning.
pub async fn connect_with_retries(config: &Config) -> Result<Db, StartupError> {
    let url = &config.database.url;
    let attempts = config.connect_attempts;
    let mut wait = std::time::Duration::from_millis(500);
    for attempt in 1..=attempts {
        match Db::connect(url, &config.pool).await {
            Ok(db) => return Ok(db),
            Err(source) if attempt == attempts => return Err(connect_error(url, source, attempts)),
            Err(e) => {
                tracing::warn!(%url, attempt, of = attempts, retry_in = ?wait, error = %e, "database not reachable yet");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(8));
            }
        }
    }
    unreachable!("the last attempt returns")
}

fn connect_error(url: &DatabaseUrl, source: sqlx::Error, attempts: u32) -> StartupError {
    StartupError::Connect {
        url: url.to_string(),
        attempts,
        source,
    }
}

pub async fn run(config: Config) -> Result<(), StartupError> {
    request_log::carry_spans_into_leptos_tasks();
    let db = open_database(&config).await?;
    let mailer = match &config.mail {
        Some(mail) => {
            let mailer = app::mail::Mailer::new(&mail.smtp_url, &mail.to, mail.from.as_deref())
                .map_err(StartupError::Command)?;
            tracing::info!(to = %mail.to, "contact messages are kept and mailed");
            Some(Arc::new(mailer))
        }
        None => {
            tracing::info!(
                "SMTP_URL is not set: contact messages are kept in the admin's inbox only"
            );
            None
        }
    };
    let state = AppState {
        leptos_options: config.leptos.clone(),
        db: db.clone(),
        site: Arc::new(config.site.clone()),
        mailer,
    };
    let app = router(state, &config);

    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartupError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartupError::Serve)?;
    // Tests and scripts wait for this line.
    tracing::info!("listening on http://{addr}");

    let stopping = async {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing open requests");
    };
    let grace = config.shutdown_timeout;
    if !connections::serve(listener, app, config.connections, stopping, grace).await {
        tracing::warn!("requests still open after {grace:?}: closing them");
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn router(state: AppState, config: &Config) -> Router {
    let routes = generate_route_list(App);

    let store = SessionStore::new(&state.db);
    // Expired sessions are deleted in the background; every instance may do it.
    tokio::spawn(
        store
            .clone()
            .continuously_delete_expired(std::time::Duration::from_secs(3600)),
    );
    tokio::spawn(prune_rate_events(state.db.clone()));
    let idle = tower_sessions::cookie::time::Duration::try_from(config.sessions.idle_timeout)
        .unwrap_or(tower_sessions::cookie::time::Duration::days(7));
    let sessions = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.sessions.secure_cookie)
        .with_expiry(Expiry::OnInactivity(idle));
    let auth = AuthManagerLayerBuilder::new(
        Users {
            db: state.db.clone(),
        },
        sessions,
    )
    .build();
    let trusted = TrustedOrigins(config.public_url.iter().cloned().collect());
    let asset_version = assets::version(&state.leptos_options);
    let asset_root = assets::root(asset_version.as_deref());

    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readiness))
        .route("/post/{id}", get(old_post_address))
        .merge(feeds::routes())
        .merge(images::upload_routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || leptos::context::provide_context(asset_root.clone()),
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::map_response(server_fn_error_status))
        .layer(auth)
        .layer(axum::middleware::from_fn(limits::limit_bodies))
        .layer(axum::middleware::from_fn_with_state(
            trusted,
            csrf::refuse_cross_site,
        ))
        // Added after the session layers, so the client bundle is served without loading a
        // session (two queries) for every file.
        .merge(assets::routes(&state.leptos_options, asset_version))
        // Uploaded images: no session needed to serve them either.
        .merge(images::file_routes())
        // Inside compression (a kept page is already compressed, and the compression layer
        // leaves encoded bodies alone), outside the sessions (a hit needs none).
        .layer(axum::middleware::from_fn_with_state(
            (config.page_cache_bytes > 0)
                .then(|| Arc::new(PageCache::new(state.db.clone(), config.page_cache_bytes))),
            page_cache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            config.request_timeout,
            limits::time_limit,
        ))
        // Pages rendered per request (logged-in readers') and server-function replies; the
        // bundle and kept pages are compressed already. Gzip only: a brotli encoder takes
        // ~1.1 MiB per response in flight (quality 4) and more CPU; measured with 32
        // logged-in readers on the 500-comment post, peak RSS went from 41.4 to 39.0 MiB and
        // the page from 302 to 535 req/s (README "Performance").
        .layer(CompressionLayer::new().no_br())
        .layer(axum::middleware::from_fn_with_state(
            SecurityHeaders {
                hsts: config
                    .public_url
                    .as_deref()
                    .is_some_and(|url| url.starts_with("https://")),
            },
            headers::add,
        ))
        // Outermost, so refused and failed requests are logged too.
        .layer(axum::middleware::from_fn_with_state(
            RequestIds::new(),
            request_log::log_requests,
        ))
        .with_state(state)
}

/// `/readyz`: 200 when the database answers and is fully migrated, else 503 (no details:
/// the log has them).
async fn readiness(State(state): State<AppState>) -> Response {
    if state.db.is_ready().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
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
        Err(e) => {
            let err = AppError::from_db("looking up an old post address", e);
            (
                StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                err.to_string(),
            )
                .into_response()
        }
    }
}

/// Deletes rate-limit events older than any limit looks at, once an hour.
async fn prune_rate_events(db: Db) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let day_ago = app::db::now() - chrono::TimeDelta::days(1);
        if let Err(e) = app::db::rate::prune(&db, day_ago).await {
            tracing::warn!(error = %e, "could not prune rate-limit events");
        }
    }
}

/// Gives server-function errors raised before the function runs (undecodable arguments)
/// the status their `AppError` names, instead of server_fn's blanket 500. Errors returned
/// by the functions themselves already carry their status.
async fn server_fn_error_status(response: Response) -> Response {
    const LIMIT: usize = 64 * 1024;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LIMIT).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (what hosts and `docker stop` send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
