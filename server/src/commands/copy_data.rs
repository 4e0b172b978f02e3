//! `quire copy-data`: every row of one database into another, ids and timestamps kept,
//! checked before it is committed.

use anyhow::{anyhow, bail, Context as _};
use app::db::transfer::{self, Batches, Checksum, Column, Table};
use app::db::{DatabaseUrl, Db, PoolSettings};

use super::progress::Progress;
use super::target::{empty_target, verify};

struct CopyOptions {
    from: DatabaseUrl,
    to: DatabaseUrl,
    /// Delete what the target holds first, instead of refusing to touch it.
    replace: bool,
    /// Also copy logged-in sessions, so nobody has to log in again.
    sessions: bool,
}

pub async fn run(from: &str, to: &str, replace: bool, sessions: bool) -> anyhow::Result<()> {
    let parse = |flag: &str, raw: &str| DatabaseUrl::parse(flag, raw).map_err(|e| anyhow!(e));
    let options = CopyOptions {
        from: parse("--from", from)?,
        to: parse("--to", to)?,
        replace,
        sessions,
    };
    if options.from == options.to {
        bail!("--from and --to are the same database");
    }
    let source = open(&options.from, "--from", true).await?;
    let target = open(&options.to, "--to", false).await?;
    let result = copy_between(&source, &target, &options).await;
    source.close().await;
    target.close().await;
    result
}

/// Connects to a database given on the command line and brings its schema up to date (both
/// ends of a copy must have the same tables).
async fn open(url: &DatabaseUrl, flag: &str, must_exist: bool) -> anyhow::Result<Db> {
    if let Some(path) = url.sqlite_path().filter(|_| must_exist) {
        if !path.is_file() {
            bail!("{flag}: there is no SQLite database at {}", path.display());
        }
    }
    let db = Db::connect(url, &PoolSettings::default())
        .await
        .with_context(|| format!("{flag}: could not open {url}"))?;
    db.migrate()
        .await
        .with_context(|| format!("{flag}: could not bring {url} up to date"))?;
    Ok(db)
}

async fn copy_between(source: &Db, target: &Db, options: &CopyOptions) -> anyhow::Result<()> {
    let mut tables: Vec<&Table> = transfer::CONTENT.iter().collect();
    if options.sessions {
        tables.push(&transfer::SESSIONS);
    }
    eprintln!("Copying from {} to {}", options.from, options.to);

    let mut from = source
        .begin_snapshot()
        .await
        .context("reading the source")?;
    let mut to = target.begin_write().await.context("writing the target")?;
    empty_target(&mut to, options.replace, "the target").await?;

    let mut totals = Vec::new();
    for table in &tables {
        let rows = transfer::count(&mut from, table)
            .await
            .context("counting the source's rows")?;
        totals.push(rows as u64);
    }
    let mut progress = Progress::rows(totals.iter().sum());
    let mut copied = Vec::new();
    for table in &tables {
        let columns: Vec<&Column> = table.columns.iter().collect();
        progress.table(table.name);
        let mut checksum = Checksum::default();
        let mut batches = Batches::new(table, &columns);
        while let Some(rows) = batches
            .next(&mut from)
            .await
            .with_context(|| format!("reading {}", table.name))?
        {
            rows.iter().for_each(|row| checksum.add(row));
            transfer::insert_rows(&mut to, table, &columns, &rows)
                .await
                .with_context(|| format!("writing {}", table.name))?;
            progress.advance(rows.len() as u64);
        }
        progress.done(table.name, checksum.rows);
        copied.push((*table, columns, checksum));
    }
    progress.finish();
    let _ = from.rollback().await;

    transfer::reset_sequences(&mut to, &tables)
        .await
        .context("resetting the target's id sequences")?;
    verify(&mut to, &copied).await?;
    to.commit().await.context("committing the copy")?;
    eprintln!("Done: the target holds every row of the source.");
    Ok(())
}
