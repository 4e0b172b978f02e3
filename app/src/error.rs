//! The one error type of Quire's server functions.
//!
//! User mistakes carry a message meant for the person who made them. Everything else is
//! `Internal`: the cause is logged once, on the server, where the error is created
//! ([`AppError::internal`]); the browser only ever learns that something went wrong.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input was wrong; `field` names the form field to show the message next to.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("Please log in to continue.")]
    Unauthorized,
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// The server is up but cannot serve right now (e.g. the database is unreachable).
    #[error("The blog is busy right now. Please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong. Please try again.")]
    Internal,
    /// The browser could not reach the server at all.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } => 400,
            AppError::NotFound(_) => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Network => 500,
        }
    }

    /// The message for `field`, if this error is about that form field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid {
                field: Some(f),
                message,
            } if f == name => Some(message.clone()),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs `cause` with what was being done and returns the opaque `Internal` error.
    pub fn internal(doing: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{doing} failed");
        AppError::Internal
    }

    /// Classifies a database error: an unreachable or saturated database is `Unavailable`
    /// (the caller may retry), anything else is `Internal`. Both are logged here, once.
    pub fn from_db(doing: &str, cause: sqlx::Error) -> Self {
        match cause {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(error = %cause, "{doing}: database unavailable");
                AppError::Unavailable
            }
            other => Self::internal(doing, other),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Raised on the server when the request's arguments cannot be decoded: the caller's mistake.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Invalid {
                field: None,
                message: "The request was malformed.".into(),
            },
            ServerFnErrorErr::Request(_) => AppError::Network,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_mistakes_are_4xx_and_failures_5xx() {
        assert_eq!(AppError::invalid("title", "Required").status(), 400);
        assert_eq!(AppError::NotFound("No such post".into()).status(), 404);
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::Unavailable.status(), 503);
        assert_eq!(AppError::Internal.status(), 500);
    }

    #[test]
    fn field_errors_are_found_by_field_name() {
        let err = AppError::invalid("title", "A title is required.");
        assert_eq!(
            err.for_field("title").as_deref(),
            Some("A title is required.")
        );
        assert_eq!(err.for_field("body"), None);
        assert_eq!(AppError::Internal.for_field("title"), None);
    }

    #[test]
    fn internal_errors_reveal_nothing() {
        assert_eq!(
            AppError::Internal.to_string(),
            "Something went wrong. Please try again."
        );
    }

    #[test]
    fn bad_arguments_are_a_client_error() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(err.status(), 400);
        assert!(!err.to_string().contains('x'));
    }
}
