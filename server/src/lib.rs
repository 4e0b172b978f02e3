//! The Quire server: the `quire` binary's library, so that tests can build the router and
//! the commands in-process.
//!
//! Dependencies point one way: `commands` and `http` use `startup`, and everything uses the
//! `app` crate; `startup` uses neither `commands` nor `http`.

pub mod commands;
pub mod http;
pub mod startup;
