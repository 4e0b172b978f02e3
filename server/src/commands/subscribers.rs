//! `quire subscribers export|import FILE`: the subscriber list as CSV, to move it between
//! newsletter tools. An import runs in one transaction, shows what it would do with
//! `--dry-run`, never subscribes again an address that unsubscribed (or bounces) here, and
//! confirms an address only when the file says it opted in.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context as _};
use app::db::Db;
use app::service::subscriber_lists;

#[derive(Debug, clap::Subcommand)]
pub enum SubscribersCommand {
    /// Write every subscriber as CSV: email, status, created_at, confirmed_at.
    Export {
        /// Where to write; `-` for standard output.
        #[arg(value_name = "FILE")]
        output: PathBuf,
    },
    /// Add subscribers from CSV with an `email` column and, optionally, `opted_in` (yes,
    /// true or 1 for an address that confirmed its subscription elsewhere) or `status`
    /// (`confirmed` counts as opted in). Others wait, unmailed, until they subscribe here.
    Import {
        #[arg(value_name = "FILE")]
        input: PathBuf,
        /// Check the file and say what would change, changing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(db: &Db, command: SubscribersCommand) -> anyhow::Result<()> {
    match command {
        SubscribersCommand::Export { output } => export(db, &output).await,
        SubscribersCommand::Import { input, dry_run } => import(db, &input, dry_run).await,
    }
}

async fn export(db: &Db, output: &Path) -> anyhow::Result<()> {
    let sink: Box<dyn std::io::Write> = if output == Path::new("-") {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(
            std::fs::File::create(output)
                .with_context(|| format!("could not create {}", output.display()))?,
        )
    };
    let written = subscriber_lists::export(db, sink).await?;
    eprintln!("{written} subscribers written");
    Ok(())
}

async fn import(db: &Db, input: &Path, dry_run: bool) -> anyhow::Result<()> {
    let file =
        std::fs::read(input).with_context(|| format!("could not read {}", input.display()))?;
    let rows = subscriber_lists::read_csv(&file)
        .map_err(|problem| anyhow!("{}: {problem}. Nothing was changed", input.display()))?;
    let mut progress = super::progress::Progress::rows(rows.len() as u64);
    progress.table("subscribers");
    let counts = subscriber_lists::import(db, &rows, dry_run, || progress.advance(1)).await?;
    progress.done("subscribers", rows.len() as u64);
    progress.finish();
    println!("{counts}");
    if dry_run {
        println!("Dry run: nothing was changed.");
    }
    Ok(())
}
