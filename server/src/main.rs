//! The `quire` binary: serves the blog, and carries the operator's commands.
//!
//! Start-up runs in a fixed order: environment (`.env`), telemetry, configuration, database
//! pool, migrations, router, serve (until SIGTERM/SIGINT, then a graceful shutdown).

mod assets;
mod backup;
mod cli;
mod config;
mod connections;
mod demo;
mod feeds;
mod headers;
mod images;
mod limits;
mod ops;
mod page_cache;
mod progress;
mod request_log;
mod serve;
mod telemetry;
mod transfer;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    return_large_allocations_to_the_os();
    // Before anything reads the environment, so `.env` can set RUST_LOG and the rest.
    let dotenv = dotenvy::dotenv();
    let args = cli::Args::parse();
    telemetry::init();
    match dotenv {
        Ok(path) => tracing::info!(path = %path.display(), "read settings from .env"),
        Err(e) if e.not_found() => {}
        Err(e) => {
            eprintln!("quire: could not read .env: {e}");
            return ExitCode::from(2);
        }
    }

    let leptos = match leptos_options() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("quire: invalid LEPTOS_* setting: {e}");
            return ExitCode::from(2);
        }
    };
    let config = match config::Config::from_env(leptos) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("quire: {e}");
            return ExitCode::from(2);
        }
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("quire: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match args.command.unwrap_or_default() {
            cli::Command::Serve => serve::run(config).await,
            cli::Command::Migrate => ops::migrate(&config).await,
            cli::Command::Check => ops::check(&config).await,
            command => cli::run(config, command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("quire: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Leptos' settings (site root, address, …) from its `LEPTOS_*` variables.
fn leptos_options(
) -> Result<leptos::config::LeptosOptions, leptos::config::errors::LeptosConfigError> {
    // cargo-leptos sets the output name while it builds or serves; a binary built by plain
    // `cargo` (tests) or started on its own knows it from Cargo.toml's `output-name`.
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_none() {
        // Safe: no other thread exists yet.
        std::env::set_var("LEPTOS_OUTPUT_NAME", "quire");
    }
    let mut options = leptos::config::get_configuration(None)?.leptos_options;
    if std::env::var_os("LEPTOS_ENV").is_none() && !cfg!(debug_assertions) {
        options.env = leptos::config::Env::PROD;
    }
    Ok(options)
}

/// glibc serves a freed large block's size from the heap next time and keeps it: after a few
/// password hashes (19 MiB each) on different threads the process held ~300 MiB it no longer
/// used. A fixed mmap threshold keeps such blocks in their own mappings, given back on free.
/// And glibc gives each thread that allocates its own heap (arena) by default; the runtime's
/// workers, the blocking pool and SQLite's connection threads each kept free memory of their
/// own. Two arenas serve two cores.
fn return_large_allocations_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // Safe: called first thing in main, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
