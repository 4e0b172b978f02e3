//! The HTTP side: the router and its middleware, the routes that are not pages (feeds,
//! images, the client bundle, probes), the page cache, and the listener that serves them.

pub mod assets;
pub mod etag;
pub mod feeds;
pub mod images;
pub mod listener;
pub mod middleware;
pub mod page_cache;
pub mod referer;
pub mod routes;
pub mod subscriber_list;
pub mod theme;
pub mod unsubscribe;

use std::sync::Arc;

use app::db::Db;
use app::freshness::Freshness;
use app::state::AppState;
use app::{shell, App};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::CompressionLevel;

use crate::startup::{self, Config, StartupError};
use axum::error_handling::HandleErrorLayer;
use middleware::csrf::{self, TrustedOrigins};
use middleware::request_log::{self, RequestIds, REQUEST_ID};
use middleware::security_headers::{self, SecurityHeaders};
use middleware::{limits, server_fn_status, session, session_activity};
use page_cache::PageCache;
use tower::timeout::TimeoutLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};

/// `quire serve`: opens the database, builds the router and serves until SIGTERM/SIGINT,
/// then lets open requests finish.
pub async fn serve(config: Config) -> Result<(), StartupError> {
    request_log::carry_spans_into_leptos_tasks();
    let (app, db) = app(&config).await?;
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
    if !listener::serve(listener, app, config.connections, stopping, grace).await {
        tracing::warn!("requests still open after {grace:?}: closing them");
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The blog as a service: the configured database opened and migrated, the app state, the
/// router. What `serve` serves, and what tests serve in-process.
pub async fn app(config: &Config) -> Result<(Router, Db), StartupError> {
    let db = startup::database::open_database(config).await?;
    let state = startup::app_state(config, db.clone())?;
    Ok((router(state, config), db))
}

/// Every route, and the middleware around them.
///
/// Two stacks. The inner one is per route (axum clones a route's stack for each of its
/// requests): what needs the session, and the record of the matched route. The outer one runs
/// once per request whatever the route, outermost first: ids and the log line, security
/// headers, compression, the time limit and the page cache — so a page kept in the cache is
/// served without routing or loading a session at all.
pub fn router(state: AppState, config: &Config) -> Router {
    let routes = route_list();
    tokio::spawn(prune_rate_events(state.db.clone()));
    if let Some(mailer) = &state.mailer {
        tokio::spawn(app::mail::outbox::deliver(state.db.clone(), mailer.clone()));
        tokio::spawn(app::service::newsletter::run(state.clone()));
    }
    // One read of the database's versions per request, shared by the page cache and the
    // session layers (see `app::freshness`).
    let freshness = state.freshness.clone();
    let auth = session::layers(&state.db, freshness.clone(), &config.sessions);
    let trusted = TrustedOrigins(config.public_url.iter().cloned().collect());
    let asset_version = assets::version(&state.leptos_options);
    let asset_root = assets::root(asset_version.as_deref());
    let page_cache = (config.page_cache_bytes > 0).then(|| {
        Arc::new(PageCache::new(
            state.db.clone(),
            freshness.clone(),
            config.page_cache_bytes,
        ))
    });

    let app = Router::new()
        .merge(routes::routes())
        .merge(theme::routes(config.sessions.secure_cookie))
        .merge(unsubscribe::routes())
        .merge(feeds::routes())
        .merge(images::upload_routes())
        .merge(subscriber_list::routes())
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
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            routes::old_addresses,
        ))
        .layer(axum::middleware::map_response(
            server_fn_status::server_fn_error_status,
        ))
        // Inside the session layers: it serves logged-in readers, so it needs the reader.
        .layer(axum::middleware::from_fn_with_state(
            page_cache.clone(),
            page_cache::serve_readers,
        ))
        .layer(axum::middleware::from_fn(session_activity::note))
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
        .layer(axum::middleware::from_fn(request_log::record_route))
        .with_state(state);

    let outer = tower::ServiceBuilder::new()
        // Outermost, so refused and failed requests are logged too: the causes of failures,
        // then one line per request, in a span with its id (see `request_log`).
        .layer(axum::middleware::map_request(
            request_log::drop_unsafe_request_id,
        ))
        .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds::default()))
        .layer(request_log::trace_layer(config.site.static_export))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(axum::middleware::from_fn(request_log::collect_reports))
        .layer(axum::middleware::from_fn_with_state(
            SecurityHeaders {
                hsts: config
                    .public_url
                    .as_deref()
                    .is_some_and(|url| url.starts_with("https://")),
            },
            security_headers::add,
        ))
        // Pages rendered per request (logged-in readers') and server-function replies; the
        // bundle and kept pages are compressed already. Gzip only: a brotli encoder takes
        // ~1.1 MiB per response in flight (quality 4) and more CPU; measured with 32
        // logged-in readers on the 500-comment post, peak RSS went from 41.4 to 39.0 MiB and
        // the page from 302 to 535 req/s (docs/performance.md). At gzip's fastest level: deflate
        // was 9% of a logged-in page's CPU; fastest took 11–15% off a logged-in page's CPU for
        // ~1 KB more on the wire (bench/results/2026-12-06-compression.md).
        .layer(
            CompressionLayer::new()
                .no_br()
                .quality(CompressionLevel::Fastest),
        )
        .layer(HandleErrorLayer::new(limits::timed_out))
        .layer(TimeoutLayer::new(config.request_timeout))
        // Outside the page cache and the sessions: all of them ask, and a request reads once.
        .layer(axum::middleware::from_fn(
            |request: axum::extract::Request, next: axum::middleware::Next| {
                Freshness::scope(next.run(request))
            },
        ))
        // Inside compression (a kept page is already compressed, and the compression layer
        // leaves encoded bodies alone), outside the sessions (a hit needs none).
        .layer(axum::middleware::from_fn_with_state(
            page_cache,
            page_cache::serve,
        ))
        .service(app);
    Router::new().fallback_service(outer)
}

/// The app's routes, generated once per process: generating them renders the app with
/// resource loading switched off process-wide (leptos_server's `SuppressResourceLoad`), so
/// generating them again while a router of this process renders pages (tests serve several)
/// would leave those pages waiting for data that never loads.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
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
