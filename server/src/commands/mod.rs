//! The operator's commands, one module each.

pub mod import_flask;
