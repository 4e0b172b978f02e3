//! Integration tests: the blog served on a random port against a fresh database per test —
//! in this process (the library's router) unless the test is about the process itself
//! (start-up, signals, crashes, logs), which starts the real `quire` binary.
//! Every test runs twice, on SQLite and on PostgreSQL (see `both!`).
//!
//! PostgreSQL comes from `QUIRE_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`);
//! each test creates its own database there and drops it afterwards.

mod support;

mod accounts;
mod authorization;
mod authors;
mod autosave;
mod blog;
mod client;
mod coauthors;
mod comment_pages;
mod contact;
mod crashes;
mod data;
mod delivery;
mod deploy_files;
mod drafts;
mod email_verification;
mod faults;
mod feeds;
mod forms;
mod headers;
mod home;
mod images;
mod import_flask;
mod import_ghost;
mod import_wordpress;
mod indexes;
mod limits;
mod logging;
mod markdown;
mod memory;
mod moderation;
mod operations;
mod page_cache;
mod password_reset;
mod replies;
mod revisions;
mod search;
mod security;
mod series;
mod sessions;
mod site_pages;
mod startup;
mod static_site;
mod style;
mod subscriptions;
mod tags;
mod team;
mod transfer;
mod two_factor;
