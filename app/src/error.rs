//! The one error type of Quire's server functions and handlers.
//!
//! User mistakes carry a message meant for the person who made them. Everything else is
//! `Internal` or `Unavailable`, carrying its [`Cause`] for the server's log only: it is
//! never serialized, so the browser only ever learns that something went wrong. The cause
//! is logged once, by the server's request-log middleware, on the request's line
//! (server functions hand it over through [`Reports`], handlers in the response).

use std::sync::{Arc, Mutex};

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message about one form field (`field` is the input's `name`; `"form"` for the whole form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Some input was wrong. `values` echoes what was typed (never a password), so a form
    /// re-rendered after a plain HTML post, without JavaScript, keeps it.
    #[error("{}", first_message(errors))]
    Invalid {
        errors: Vec<FieldError>,
        values: Vec<(String, String)>,
    },
    /// The input clashes with what exists (an email already registered, a title taken).
    #[error("{}", first_message(errors))]
    Conflict {
        errors: Vec<FieldError>,
        values: Vec<(String, String)>,
    },
    /// The request itself was malformed (not something a form can produce).
    #[error("{0}")]
    BadRequest(String),
    /// A login that failed: the same message whether the account exists or not. Echoes
    /// the email, as `Invalid` does.
    #[error("That email and password do not match an account.")]
    LoginFailed { email: String },
    #[error("{0}")]
    NotFound(String),
    #[error("Please log in to continue.")]
    Unauthorized,
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// An admin on a blog that requires two-factor sign-in for admins, who has not turned
    /// it on yet.
    #[error("This blog asks admins to turn on two-factor sign-in first, on their account page.")]
    TwoFactorRequired,
    #[error("{0}")]
    TooManyRequests(String),
    /// The server is up but cannot serve right now (e.g. the database is unreachable).
    #[error("The blog is busy right now. Please try again in a moment.")]
    Unavailable {
        #[serde(skip)]
        cause: Cause,
    },
    #[error("Something went wrong. Please try again.")]
    Internal {
        #[serde(skip)]
        cause: Cause,
    },
    /// The browser could not reach the server at all.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
}

/// What the server was doing when something failed, and why: for its log, never for the
/// browser. Errors compare equal whatever their causes.
#[derive(Clone, Default)]
pub struct Cause(Option<Arc<Report>>);

/// A failure as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Unavailable (the database is down or busy: worth a warning) or internal (an error).
    pub unavailable: bool,
    pub doing: String,
    pub detail: String,
}

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(report) => write!(f, "Cause({:?})", report.doing),
            None => f.write_str("Cause(None)"),
        }
    }
}

impl PartialEq for Cause {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Cause {}

/// The failures of one request, for its log line: the server's request-log middleware puts
/// an empty one in each request's extensions, server functions add to it (see
/// `api::guard::respond`), and the middleware writes them once the response is ready.
#[derive(Clone, Debug, Default)]
pub struct Reports(Arc<Mutex<Vec<Report>>>);

impl Reports {
    pub fn push(&self, report: Report) {
        self.lock().push(report);
    }

    pub fn take(&self) -> Vec<Report> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Report>> {
        // Pushing or taking cannot leave the list half-changed: use it after a panic too.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn first_message(errors: &[FieldError]) -> &str {
    errors
        .first()
        .map_or("Please correct the form.", |e| e.message.as_str())
}

impl AppError {
    /// A single field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            errors: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
            values: Vec::new(),
        }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Conflict {
            errors: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
            values: Vec::new(),
        }
    }

    /// Attaches the submitted values to echo back (pass no passwords).
    pub fn with_values(mut self, submitted: &[(&str, &str)]) -> Self {
        if let AppError::Invalid { values, .. } | AppError::Conflict { values, .. } = &mut self {
            *values = submitted
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        }
        self
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::LoginFailed { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::TwoFactorRequired => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } | AppError::Network => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// An internal failure whose cause is not known (a reply the client could not read).
    pub fn unexplained() -> Self {
        AppError::Internal {
            cause: Cause::default(),
        }
    }

    /// What the log should say about this error, if it is the server's failure.
    pub fn report(&self) -> Option<&Report> {
        match self {
            AppError::Internal { cause } | AppError::Unavailable { cause } => cause.0.as_deref(),
            _ => None,
        }
    }

    fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid { errors, .. } | AppError::Conflict { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The message for `field`, if this error is about that form field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        self.field_errors()
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    }

    /// What was typed into `field`, if the error echoes it.
    pub fn value(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid { values, .. } | AppError::Conflict { values, .. } => values
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            AppError::LoginFailed { email } if name == "email" => Some(email.clone()),
            _ => None,
        }
    }

    /// A message for the whole form: anything that is not about one field.
    pub fn form_message(&self) -> Option<String> {
        match self {
            AppError::Invalid { .. } | AppError::Conflict { .. } => self.for_field("form"),
            other => Some(other.to_string()),
        }
    }
}

/// Collects field errors from parsing several inputs, to report them all at once.
#[derive(Debug, Default)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    /// Records the error of `result` under `field` and returns its value, if any.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(FieldError {
                    field: field.to_owned(),
                    message,
                });
                None
            }
        }
    }

    /// The recorded errors as one `Invalid` error that echoes `values`.
    pub fn into_error(self, values: &[(&str, &str)]) -> AppError {
        AppError::Invalid {
            errors: self.0,
            values: Vec::new(),
        }
        .with_values(values)
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The opaque `Internal` error, carrying what was being done and why for the log.
    pub fn internal(doing: &str, cause: impl std::fmt::Display) -> Self {
        AppError::Internal {
            cause: Cause::new(false, doing, cause),
        }
    }

    /// Classifies a database error: an unreachable or saturated database is `Unavailable`
    /// (the caller may retry), anything else is `Internal`.
    pub fn from_db(doing: &str, cause: sqlx::Error) -> Self {
        if is_unavailable(&cause) {
            AppError::Unavailable {
                cause: Cause::new(true, doing, cause),
            }
        } else {
            Self::internal(doing, cause)
        }
    }
}

#[cfg(feature = "ssr")]
impl Cause {
    fn new(unavailable: bool, doing: &str, detail: impl std::fmt::Display) -> Cause {
        Cause(Some(Arc::new(Report {
            unavailable,
            doing: doing.to_owned(),
            detail: detail.to_string(),
        })))
    }
}

#[cfg(feature = "ssr")]
impl Report {
    /// Writes the report to the log, in the current span (the request's).
    pub fn log(&self) {
        if self.unavailable {
            tracing::warn!(error = %self.detail, "{}: database unavailable", self.doing);
        } else {
            tracing::error!(error = %self.detail, "{} failed", self.doing);
        }
    }
}

/// Handlers answer with the error's status and message, and leave its cause in the
/// response for the request-log middleware.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let message = self.to_string();
        self.respond_with(message)
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The error's status with `body` (JSON for a script, say), its cause attached for the
    /// request-log middleware.
    pub fn respond_with(self, body: impl axum::response::IntoResponse) -> axum::response::Response {
        use axum::response::IntoResponse as _;
        let mut response = (self.status(), body).into_response();
        if let Some(report) = self.report() {
            let reports = Reports::default();
            reports.push(report.clone());
            response.extensions_mut().insert(reports);
        }
        response
    }
}

/// Whether a database error means "not now" rather than "wrong": no free connection, a lost
/// connection, a server shutting down or starting up, a SQLite writer that waited out the
/// busy timeout or found the disk full. Retrying later can succeed, so the answer is 503, not 500.
#[cfg(feature = "ssr")]
fn is_unavailable(cause: &sqlx::Error) -> bool {
    match cause {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(e) => {
            if let Some(pg) = e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                // Class 08: connection exception; 57P01–57P03: administrator or crash
                // shutdown, cannot connect now; 53300: too many connections.
                let code = pg.code();
                code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
            } else if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // The extended code's low byte is the primary one: 5 is SQLITE_BUSY, 13
                // SQLITE_FULL (the disk is full: nothing is written, and freeing space is
                // enough to recover), 10 SQLITE_IOERR.
                e.code()
                    .and_then(|code| code.parse::<i32>().ok())
                    .is_some_and(|code| matches!(code & 0xff, 5 | 10 | 13))
            } else {
                false
            }
        }
        _ => false,
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Raised on the server when the request's arguments cannot be decoded: the caller's mistake.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::BadRequest("The request was malformed.".into())
            }
            // On the server this is a request body that is not text (invalid UTF-8); on the
            // client it would be a reply it cannot read, which is not the caller's doing.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => {
                AppError::BadRequest("The request was malformed.".into())
            }
            ServerFnErrorErr::Request(_) => AppError::Network,
            _ => AppError::unexplained(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_mistakes_are_4xx_and_failures_5xx() {
        assert_eq!(AppError::BadRequest("x".into()).status(), 400);
        assert_eq!(AppError::invalid("title", "Required").status(), 422);
        assert_eq!(AppError::conflict("email", "Taken").status(), 409);
        assert_eq!(
            AppError::LoginFailed {
                email: String::new()
            }
            .status(),
            401
        );
        assert_eq!(AppError::TooManyRequests("slow down".into()).status(), 429);
        assert_eq!(AppError::NotFound("No such post".into()).status(), 404);
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(
            AppError::Unavailable {
                cause: Cause::default()
            }
            .status(),
            503
        );
        assert_eq!(AppError::unexplained().status(), 500);
    }

    #[test]
    fn field_errors_are_found_by_field_name() {
        let err = AppError::invalid("title", "A title is required.");
        assert_eq!(
            err.for_field("title").as_deref(),
            Some("A title is required.")
        );
        assert_eq!(err.for_field("body"), None);
        assert_eq!(AppError::unexplained().for_field("title"), None);
    }

    #[test]
    fn form_errors_collect_every_field_and_echo_values() {
        let mut errors = FormErrors::default();
        assert_eq!(errors.check("name", Ok::<_, String>(1)), Some(1));
        assert_eq!(errors.check::<()>("email", Err("Bad email".into())), None);
        assert_eq!(
            errors.check::<()>("password", Err("Too short".into())),
            None
        );
        let err = errors.into_error(&[("name", "Ada"), ("email", "nope")]);
        assert_eq!(err.for_field("email").as_deref(), Some("Bad email"));
        assert_eq!(err.for_field("password").as_deref(), Some("Too short"));
        assert_eq!(err.value("email").as_deref(), Some("nope"));
        assert_eq!(err.value("password"), None);
    }

    #[test]
    fn non_field_errors_are_form_messages() {
        assert_eq!(
            AppError::LoginFailed {
                email: "a@b.co".into()
            }
            .form_message()
            .as_deref(),
            Some("That email and password do not match an account.")
        );
        assert_eq!(AppError::invalid("email", "Bad").form_message(), None);
    }

    #[test]
    fn internal_errors_reveal_nothing() {
        assert_eq!(
            AppError::unexplained().to_string(),
            "Something went wrong. Please try again."
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn causes_reach_the_log_but_never_the_browser() {
        let err = AppError::internal("saving a post", "disk on fire");
        assert_eq!(serde_json::to_string(&err).unwrap(), r#"{"Internal":{}}"#);
        assert!(!format!("{err}").contains("disk"));
        assert_eq!(err.report().unwrap().detail, "disk on fire");
        let back: AppError = serde_json::from_str(r#"{"Internal":{}}"#).unwrap();
        assert_eq!(back, err, "errors compare by kind");
        assert!(back.report().is_none());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_missing_or_lost_database_is_unavailable_and_other_errors_internal() {
        let unavailable = AppError::from_db("loading", sqlx::Error::PoolTimedOut);
        assert_eq!(unavailable.status(), 503);
        let report = unavailable.report().unwrap();
        assert!(
            report.unavailable && report.doing == "loading",
            "{report:?}"
        );
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert_eq!(AppError::from_db("t", sqlx::Error::Io(reset)).status(), 503);
        let internal = AppError::from_db("t", sqlx::Error::RowNotFound);
        assert_eq!(internal.status(), 500);
        assert!(!internal.report().unwrap().unavailable);
    }

    /// A writer that waits out SQLite's busy timeout gets SQLITE_BUSY: busy, not broken.
    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn a_sqlite_writer_kept_out_by_another_is_unavailable() {
        use sqlx::sqlite::SqliteConnectOptions;
        use sqlx::ConnectOptions;

        let file = std::env::temp_dir().join(format!("quire-busy-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let options = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .busy_timeout(std::time::Duration::ZERO);
        let mut holder = options.connect().await.unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&mut holder)
            .await
            .unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut holder)
            .await
            .unwrap();
        let mut writer = options.connect().await.unwrap();
        let err = sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&mut writer)
            .await
            .unwrap_err();
        assert_eq!(AppError::from_db("writing", err).status(), 503);
        // A broken statement stays an internal error.
        let err = sqlx::query("INSERT INTO missing VALUES (1)")
            .execute(&mut writer)
            .await
            .unwrap_err();
        assert_eq!(AppError::from_db("writing", err).status(), 500);
        let _ = std::fs::remove_file(&file);
    }

    #[test]
    fn bad_arguments_are_a_client_error() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(err.status(), 400);
        assert!(!err.to_string().contains('x'));
    }
}
