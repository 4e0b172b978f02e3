//! The `quire` binary: serves the blog, and carries the operator's commands (see `commands`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    quire::startup::memory::return_large_allocations_to_the_os();
    // Before anything reads the environment, so `.env` can set RUST_LOG and the rest.
    let dotenv = dotenvy::dotenv();
    quire::startup::config::drop_blank_variables();
    let args = quire::commands::Args::parse();
    let config = match quire::startup::prepare(dotenv, args.settings) {
        Ok(config) => config,
        Err(code) => return code,
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
    runtime.block_on(quire::commands::run(
        args.command.unwrap_or_default(),
        config,
    ))
}
