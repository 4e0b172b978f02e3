//! One log line per request, and a request id that ties a request's log lines together. The
//! causes of a request's failures are logged here too, once, before its line.
//!
//! The line carries the method, the matched route (the pattern, such as `/posts/{slug}`,
//! never the path a client typed, so no query string or id ends up in the log), the status
//! and the latency. Everything the request logs runs inside a `request` span that holds the
//! id, and the id goes back to the client in `x-request-id`, so a user's report or a proxy's
//! log leads to the server's lines.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use app::error::Reports;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the log shows as the route of a request no route matched: static files from the
/// site root, and the 404 page.
const FALLBACK_ROUTE: &str = "<fallback>";

/// A proxy's id is kept only when it is short and made of characters that are safe in any
/// log format; anything else could forge or break log lines.
const MAX_INCOMING_LEN: usize = 64;

/// Makes request ids: a random prefix per process, so the ids of several instances behind
/// one load balancer do not collide, and a counter.
#[derive(Clone)]
pub struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestIds {
    pub fn new() -> Self {
        // std's hasher keys are random per process: enough to tell instances apart, without
        // a dependency on a random number generator.
        let mut hasher = std::hash::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        RequestIds {
            prefix: format!("{:08x}", hasher.finish() as u32).into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }

    /// The client's (or proxy's) id when it is acceptable, else a new one.
    fn for_request(&self, headers: &HeaderMap) -> String {
        match headers.get(&REQUEST_ID).and_then(|v| v.to_str().ok()) {
            Some(id) if is_acceptable(id) => id.to_owned(),
            _ => format!(
                "{}-{}",
                self.prefix,
                self.next.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }
}

fn is_acceptable(id: &str) -> bool {
    (1..=MAX_INCOMING_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The middleware: wraps the request in its span, logs it when the response is ready.
///
/// The latency is the time to the response's head: pages are rendered whole before they are
/// sent (`SsrMode::Async`), so that is nearly all of it.
pub async fn log_requests(
    State(ids): State<RequestIds>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = ids.for_request(request.headers());
    // Where server functions leave the causes of their failures (see `app::error`).
    let reports = Reports::default();
    request.extensions_mut().insert(reports.clone());
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(FALLBACK_ROUTE, MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_micros() as f64 / 1000.0;
    let status = response.status().as_u16();
    // A load balancer polls the health checks every few seconds: log their successes only
    // at debug level, so they do not bury the requests people make.
    let probe = matches!(route.as_str(), "/healthz" | "/readyz") && status == 200;
    span.in_scope(|| {
        // Each failure's cause, once: from a server function, or from a handler's response.
        let from_handler = response.extensions().get::<Reports>().map(Reports::take);
        for report in reports
            .take()
            .into_iter()
            .chain(from_handler.into_iter().flatten())
        {
            report.log();
        }
        if probe {
            tracing::debug!(method = %method, route, status, latency_ms, "request");
        } else {
            tracing::info!(method = %method, route, status, latency_ms, "request");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Lets the request's span follow the tasks Leptos spawns. A page's data loads in tasks of
/// their own (resources); started with a plain `tokio::spawn` they leave the span behind, and
/// what they log — a database error on a page, say — would lose its request id.
pub fn carry_spans_into_leptos_tasks() {
    if any_spawner::Executor::init_custom_executor(SpanCarryingExecutor).is_err() {
        tracing::warn!(
            "Leptos' executor was set up earlier: page log lines may lack the request id"
        );
    }
}

/// Tokio, as Leptos' own `init_tokio` uses it, plus the span current at spawn time.
struct SpanCarryingExecutor;

impl any_spawner::CustomExecutor for SpanCarryingExecutor {
    fn spawn(&self, fut: any_spawner::PinnedFuture<()>) {
        tokio::spawn(fut.in_current_span());
    }

    fn spawn_local(&self, fut: any_spawner::PinnedLocalFuture<()>) {
        tokio::task::spawn_local(fut.in_current_span());
    }

    fn poll_local(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_for(incoming: Option<&str>) -> String {
        let mut headers = HeaderMap::new();
        if let Some(value) = incoming {
            headers.insert(REQUEST_ID, HeaderValue::from_str(value).unwrap());
        }
        RequestIds::new().for_request(&headers)
    }

    #[test]
    fn a_safe_incoming_id_is_kept() {
        for id in ["abc", "A1.b2_c3-d4", &"x".repeat(64)] {
            assert_eq!(id_for(Some(id)), id);
        }
    }

    #[test]
    fn unsafe_or_long_incoming_ids_are_replaced() {
        for hostile in [
            "",
            "has space",
            "quote\"d",
            "a=b",
            "<script>",
            "ümlaut",
            &"x".repeat(65),
        ] {
            let id = id_for(Some(hostile));
            assert_ne!(id, hostile);
            assert!(is_acceptable(&id), "{id}");
        }
    }

    #[test]
    fn generated_ids_are_distinct_and_safe() {
        let ids = RequestIds::new();
        let a = ids.for_request(&HeaderMap::new());
        let b = ids.for_request(&HeaderMap::new());
        assert_ne!(a, b);
        assert!(is_acceptable(&a) && is_acceptable(&b), "{a} {b}");
        assert_eq!(
            a.split('-').next(),
            b.split('-').next(),
            "one prefix per process"
        );
    }
}
