//! Accepting connections. `axum::serve` sets no deadline for a request's headers and no cap on
//! open connections, so a few hundred clients that send one header byte a minute (slowloris)
//! could hold every file descriptor the process has. Here each connection must deliver a
//! request's headers within `header_timeout` (also the longest an idle keep-alive connection
//! stays open), and at most `max_connections` are open at once; beyond that, new ones wait in
//! the kernel's backlog until one closes.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use crate::startup::config::ConnectionLimits;

/// Serves `app` on `listener` until `stop` completes, then stops accepting and gives open
/// requests `grace` to finish. Returns whether they all finished in time.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
    grace: Duration,
) -> bool {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let open = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);

    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut stop => break,
            permit = next_permit(&permits, limits.max_connections) => permit,
        };
        let (tcp, remote) = tokio::select! {
            biased;
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, or the client gave up before we got to it:
                    // pause rather than spin, and keep serving the connections we have.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // Without TCP_NODELAY a response written in two pieces (head, then a file's body)
        // waits for the client's delayed ACK: a flat 40 ms on every static file.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {e}");
        }
        let router = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(request)
        });
        let connection = open.watch(http.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Mostly clients that went away, or sent no complete request in time.
                tracing::debug!(%remote, error = %e, "connection closed with an error");
            }
            drop::<OwnedSemaphorePermit>(permit);
        });
    }
    // Closing the listener refuses new connections at once instead of leaving them queued.
    drop(listener);
    tokio::select! {
        () = open.shutdown() => true,
        () = tokio::time::sleep(grace) => false,
    }
}

/// A free connection slot, saying so in the log when the server has to wait for one.
async fn next_permit(permits: &Arc<Semaphore>, max: usize) -> OwnedSemaphorePermit {
    if let Ok(permit) = permits.clone().try_acquire_owned() {
        return permit;
    }
    tracing::warn!(
        max,
        "connection limit reached: new connections wait until one closes \
         (QUIRE_MAX_CONNECTIONS sets the limit)"
    );
    permits
        .clone()
        .acquire_owned()
        .await
        .expect("the semaphore is never closed")
}
