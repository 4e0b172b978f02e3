//! The router's middleware, one layer a file; `http::router` composes them in order.

pub mod csrf;
pub mod limits;
pub mod request_log;
pub mod security_headers;
pub mod server_fn_status;
pub mod session;
pub mod session_activity;
