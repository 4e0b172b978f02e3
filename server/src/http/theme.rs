//! `POST /theme`: the theme switch without JavaScript. Sets the reader's choice in a cookie
//! and sends them back to the page they were on, now rendered in that theme. (With
//! JavaScript the page's script sets the same cookie and never posts here.)

use app::domain::{Theme, THEME_COOKIE};
use app::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::referer::same_site_referer;

/// A year: a preference, not a secret.
const MAX_AGE_SECONDS: u32 = 365 * 24 * 60 * 60;

pub fn routes(secure_cookie: bool) -> Router<AppState> {
    Router::new().route(
        "/theme",
        post(
            move |headers: HeaderMap, form: Result<Form<Choice>, FormRejection>| async move {
                let theme = form.ok().and_then(|Form(c)| Theme::parse(&c.theme));
                choose(&headers, theme, secure_cookie)
            },
        ),
    )
}

#[derive(Deserialize)]
struct Choice {
    theme: String,
}

fn choose(headers: &HeaderMap, theme: Option<Theme>, secure: bool) -> Response {
    let Some(value) = theme.and_then(Theme::attribute) else {
        return (
            StatusCode::BAD_REQUEST,
            "Choose the light or the dark theme.",
        )
            .into_response();
    };
    let secure = if secure { "; Secure" } else { "" };
    let cookie =
        format!("{THEME_COOKIE}={value}; Path=/; Max-Age={MAX_AGE_SECONDS}; SameSite=Lax{secure}");
    let back = same_site_referer(headers).unwrap_or_else(|| "/".to_owned());
    match (HeaderValue::from_str(&cookie), HeaderValue::from_str(&back)) {
        (Ok(cookie), Ok(back)) => (
            StatusCode::SEE_OTHER,
            [(header::SET_COOKIE, cookie), (header::LOCATION, back)],
        )
            .into_response(),
        _ => (StatusCode::BAD_REQUEST, "That page cannot be returned to.").into_response(),
    }
}
