//! One log line per request, and a request id that ties a request's log lines together —
//! tower-http's `SetRequestId`, `PropagateRequestId` and `TraceLayer`, with Quire's rules:
//!
//! - An incoming `x-request-id` (from a proxy or load balancer) is kept only when it is short
//!   and made of characters safe in any log format; otherwise Quire makes one, unique across
//!   instances. It goes back to the client in `x-request-id`.
//! - Everything a request logs runs in a `request` span holding the id, the method and the
//!   matched route (the pattern, such as `/posts/{slug}`, never the path a client typed, so
//!   no query string or id ends up in the log; recorded once routing found it, or by the
//!   page cache for a kept page); the request's own line adds the status and the latency.
//!   Health probes that pass are logged at debug level only.
//! - The causes of a request's failures (`app::error::Reports`) are logged here too, once,
//!   just before its line.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::error::Reports;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderName;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{MakeRequestId, RequestId};
use tower_http::trace::{MakeSpan, OnResponse, TraceLayer};
use tracing::{Instrument, Span};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the log shows as the route of a request no route matched: static files from the
/// site root, and the 404 page.
const FALLBACK_ROUTE: &str = "<fallback>";

/// A proxy's id is kept only when it is short and made of characters that are safe in any
/// log format; anything else could forge or break log lines.
const MAX_INCOMING_LEN: usize = 64;

/// Marks the answer of a health probe, so that its success is logged at debug level: a load
/// balancer polls every few seconds, and those lines would bury the requests people make.
#[derive(Clone, Copy)]
pub struct Probe;

/// Drops an incoming request id that is not safe to log, so that one is made instead.
pub async fn drop_unsafe_request_id(mut request: Request) -> Request {
    let safe = request
        .headers()
        .get(&REQUEST_ID)
        .map(|id| id.to_str().is_ok_and(is_acceptable));
    if safe == Some(false) {
        request.headers_mut().remove(&REQUEST_ID);
    }
    request
}

fn is_acceptable(id: &str) -> bool {
    (1..=MAX_INCOMING_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Makes request ids: a random prefix per process, so the ids of several instances behind
/// one load balancer do not collide, and a counter.
#[derive(Clone)]
pub struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        // std's hasher keys are random per process: enough to tell instances apart, without
        // a dependency on a random number generator.
        let mut hasher = std::hash::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        RequestIds {
            prefix: format!("{:08x}", hasher.finish() as u32).into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{}-{n}", self.prefix)
            .parse()
            .ok()
            .map(RequestId::new)
    }
}

/// The request's span: its id and method, and its matched route once routing found it
/// ([`record_route`]).
#[derive(Clone, Copy)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let id = request
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            request_id = %id,
            method = %request.method(),
            route = tracing::field::Empty
        )
    }
}

/// The route a request matched (`None`: the fallback), left on its response: the page cache
/// keeps it with a page, whose later readers never reach the router.
#[derive(Clone)]
pub struct Route(pub Option<MatchedPath>);

impl Route {
    /// Writes the route into the request's span.
    pub fn record(&self) {
        let route = self.0.as_ref().map_or(FALLBACK_ROUTE, MatchedPath::as_str);
        Span::current().record("route", route);
    }
}

/// Inside the router (it runs for each route and the fallback): the matched route into the
/// request's span, and onto the response.
pub async fn record_route(request: Request, next: Next) -> Response {
    let route = Route(request.extensions().get::<MatchedPath>().cloned());
    route.record();
    let mut response = next.run(request).await;
    response.extensions_mut().insert(route);
    response
}

/// The request's line, after the causes of its failures. `quiet`: successes at debug level
/// (`quire export-static` asks for every page, and shows its own progress instead).
#[derive(Clone, Copy)]
pub struct RequestLine {
    quiet: bool,
}

impl<B> OnResponse<B> for RequestLine {
    fn on_response(self, response: &axum::http::Response<B>, latency: Duration, _span: &Span) {
        if let Some(reports) = response.extensions().get::<Reports>() {
            reports.take().iter().for_each(|report| report.log());
        }
        let status = response.status().as_u16();
        let latency_ms = latency.as_micros() as f64 / 1000.0;
        let probe = status == 200 && response.extensions().get::<Probe>().is_some();
        if probe || self.quiet && status < 400 {
            tracing::debug!(status, latency_ms, "request");
        } else {
            tracing::info!(status, latency_ms, "request");
        }
    }
}

/// The trace layer with Quire's span and line, and nothing else logged (failures have their
/// causes logged from the reports, and their status in the line).
pub fn trace_layer(
    quiet: bool,
) -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan, (), RequestLine, (), (), ()>
{
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(RequestLine { quiet })
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

/// Gives each request an empty [`Reports`] for server functions to add to, and hands what
/// they added, with what a handler's response carries, to the request's line.
pub async fn collect_reports(mut request: Request, next: Next) -> Response {
    let reports = Reports::default();
    request.extensions_mut().insert(reports.clone());
    let mut response = next.run(request).await;
    if let Some(from_handler) = response.extensions().get::<Reports>() {
        from_handler
            .take()
            .into_iter()
            .for_each(|r| reports.push(r));
    }
    response.extensions_mut().insert(reports);
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
    use axum::http::HeaderValue;

    async fn kept(incoming: &str) -> bool {
        let mut request = Request::new(axum::body::Body::empty());
        let value = HeaderValue::from_str(incoming).unwrap();
        request.headers_mut().insert(REQUEST_ID, value);
        drop_unsafe_request_id(request)
            .await
            .headers()
            .contains_key(&REQUEST_ID)
    }

    #[tokio::test]
    async fn a_safe_incoming_id_is_kept_and_others_dropped() {
        for id in ["abc", "A1.b2_c3-d4", &"x".repeat(64)] {
            assert!(kept(id).await, "{id}");
        }
        for hostile in [
            "",
            "has space",
            "quote\"d",
            "a=b",
            "<script>",
            &"x".repeat(65),
        ] {
            assert!(!kept(hostile).await, "{hostile:?}");
        }
    }

    #[test]
    fn generated_ids_are_distinct_safe_and_share_a_prefix() {
        let mut ids = RequestIds::default();
        let request = axum::http::Request::new(());
        let mut make = || {
            let id = ids.make_request_id(&request).unwrap();
            id.header_value().to_str().unwrap().to_owned()
        };
        let (a, b) = (make(), make());
        assert_ne!(a, b);
        assert!(is_acceptable(&a) && is_acceptable(&b), "{a} {b}");
        assert_eq!(
            a.split('-').next(),
            b.split('-').next(),
            "one prefix per process"
        );
    }
}
