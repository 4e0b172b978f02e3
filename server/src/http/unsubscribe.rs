//! `POST /unsubscribe/<token>`: the one-click unsubscribe of RFC 8058. Mail clients' own
//! "Unsubscribe" buttons post `List-Unsubscribe=One-Click` to the address in a mail's
//! `List-Unsubscribe` header, with no page and no cookies; the link itself, opened in a
//! browser, is the page with its button (`app::pages::UnsubscribePage`).

use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route("/unsubscribe/{token}", post(one_click))
}

async fn one_click(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match app::service::subscriptions::unsubscribe(&state, &token, false).await {
        Ok(()) => "Unsubscribed: no more posts will be mailed to this address.".into_response(),
        Err(e) => AppError::into_response(e),
    }
}
