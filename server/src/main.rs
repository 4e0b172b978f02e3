//! The `quire` binary: serves the blog, and carries the operator's commands.
//!
//! Start-up runs in a fixed order: environment (`.env`), telemetry, configuration, database
//! pool, migrations, router, serve (until SIGTERM/SIGINT, then a graceful shutdown).

mod assets;
mod backup;
mod cli;
mod commands;
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
            cli::Command::Serve => {
                start_background_work();
                serve::run(config).await
            }
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

/// Work that start-up need not wait for, on a thread of its own: the code highlighter's
/// grammars (loaded here rather than by the first post with code), then, every few seconds,
/// glibc's free memory handed back to the system. glibc returns only the free memory at the
/// top of each heap by itself; the rest (after a burst of requests, or the grammars' loading)
/// stays in the process until `malloc_trim` releases its pages.
fn start_background_work() {
    let spawned = std::thread::Builder::new()
        .name("quire-trim".into())
        .spawn(|| {
            app::render::load_highlighter();
            loop {
                release_free_memory();
                std::thread::sleep(std::time::Duration::from_secs(TRIM_EVERY_SECS));
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("could not start the background thread: {e}");
    }
}

/// How often free memory is handed back: trimming two small heaps takes well under a
/// millisecond, and an idle server's memory settles within this long after a burst.
const TRIM_EVERY_SECS: u64 = 2;

fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // Safe: malloc_trim only returns free pages to the system; it takes each heap's lock.
    unsafe {
        libc::malloc_trim(0);
    }
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
