//! `quire subscribers export|import FILE`: the subscriber list as CSV, to move it between
//! newsletter tools. An import runs in one transaction, shows what it would do with
//! `--dry-run`, never subscribes again an address that unsubscribed (or bounces) here, and
//! confirms an address only when the file says it opted in.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use app::db::{self, subscribers::Imported, Db};
use app::domain::Email;

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
    let subscribers = db::subscribers::all(db)
        .await
        .context("could not read the subscribers")?;
    let sink: Box<dyn std::io::Write> = if output == Path::new("-") {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(
            std::fs::File::create(output)
                .with_context(|| format!("could not create {}", output.display()))?,
        )
    };
    let mut csv = csv::Writer::from_writer(sink);
    csv.write_record(["email", "status", "created_at", "confirmed_at"])?;
    for s in &subscribers {
        let confirmed = s.confirmed_at.map(|t| t.to_rfc3339()).unwrap_or_default();
        csv.write_record([&s.email, &s.status, &s.created_at.to_rfc3339(), &confirmed])?;
    }
    csv.flush().context("could not write the file")?;
    eprintln!("{} subscribers written", subscribers.len());
    Ok(())
}

/// A row of the file, parsed.
struct Row {
    line: u64,
    email: Email,
    opted_in: bool,
}

fn read(input: &Path) -> anyhow::Result<(Vec<Row>, Vec<String>)> {
    let mut csv = csv::Reader::from_path(input)
        .with_context(|| format!("could not open {}", input.display()))?;
    let headers = csv
        .headers()
        .context("the file has no header line")?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let Some(email_at) = column("email") else {
        bail!(
            "the file has no `email` column (its header line is: {})",
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let (opted_at, status_at) = (column("opted_in"), column("status"));
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for (n, record) in csv.records().enumerate() {
        let line = n as u64 + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").trim();
        let opted_in = matches!(
            field(opted_at).to_ascii_lowercase().as_str(),
            "yes" | "true" | "1"
        ) || field(status_at).eq_ignore_ascii_case("confirmed");
        match Email::parse(field(Some(email_at))) {
            Ok(email) => rows.push(Row {
                line,
                email,
                opted_in,
            }),
            Err(why) => problems.push(format!("line {line}: {why}")),
        }
    }
    Ok((rows, problems))
}

async fn import(db: &Db, input: &Path, dry_run: bool) -> anyhow::Result<()> {
    let (rows, problems) = read(input)?;
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("  {problem}");
        }
        bail!(
            "{} lines of {} cannot be imported: nothing was changed",
            problems.len(),
            input.display()
        );
    }
    let mut progress = super::progress::Progress::rows(rows.len() as u64);
    progress.table("subscribers");
    let mut tx = db
        .begin_write()
        .await
        .context("could not open the database")?;
    let now = db::now();
    let mut counts = [0u64; 5];
    for row in &rows {
        let outcome = db::subscribers::import(&mut tx, &row.email, row.opted_in, now)
            .await
            // The line, not the address: errors reach the log, and addresses never do.
            .with_context(|| format!("line {}: could not import it", row.line))?;
        counts[match outcome {
            Imported::Confirmed => 0,
            Imported::Pending => 1,
            Imported::NowConfirmed => 2,
            Imported::Unchanged => 3,
            Imported::KeptOut => 4,
        }] += 1;
        progress.advance(1);
    }
    progress.done("subscribers", rows.len() as u64);
    progress.finish();
    let [confirmed, pending, now_confirmed, unchanged, kept_out] = counts;
    println!(
        "{confirmed} added confirmed, {pending} waiting for their own subscription, \
         {now_confirmed} confirmed now, {unchanged} already subscribed, {kept_out} unsubscribed \
         or bouncing here and left out"
    );
    if dry_run {
        tx.rollback().await.context("could not undo the dry run")?;
        println!("Dry run: nothing was changed.");
    } else {
        tx.commit().await.context("could not save the import")?;
    }
    Ok(())
}
