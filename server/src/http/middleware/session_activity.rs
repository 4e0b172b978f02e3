//! Notes when a logged-in session was last used, for its owner's list of sessions: at most
//! every few minutes per session (see `app::auth::devices::note_request`), so most requests
//! write nothing.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

pub async fn note(session: Session, request: Request, next: Next) -> Response {
    app::auth::devices::note_request(&session, app::db::now()).await;
    next.run(request).await
}
