//! `quire copy-data`: every row of one database into another, ids and timestamps kept,
//! checked before it is committed.

use app::db::transfer::{self, Batches, Checksum, Column, Table};
use app::db::{DatabaseUrl, Db, PoolSettings, WriteTx};

use crate::progress::Progress;

pub struct CopyOptions {
    pub from: DatabaseUrl,
    pub to: DatabaseUrl,
    /// Delete what the target holds first, instead of refusing to touch it.
    pub replace: bool,
    /// Also copy logged-in sessions, so nobody has to log in again.
    pub sessions: bool,
}

pub async fn copy_data(options: CopyOptions) -> Result<(), String> {
    if options.from == options.to {
        return Err("--from and --to are the same database".into());
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
pub async fn open(url: &DatabaseUrl, flag: &str, must_exist: bool) -> Result<Db, String> {
    if let Some(path) = url.sqlite_path().filter(|_| must_exist) {
        if !path.is_file() {
            return Err(format!(
                "{flag}: there is no SQLite database at {}",
                path.display()
            ));
        }
    }
    let db = Db::connect(url, &PoolSettings::default())
        .await
        .map_err(|e| format!("{flag}: could not open {url}: {e}"))?;
    db.migrate()
        .await
        .map_err(|e| format!("{flag}: could not bring {url} up to date: {e}"))?;
    Ok(db)
}

async fn copy_between(source: &Db, target: &Db, options: &CopyOptions) -> Result<(), String> {
    let failed = |what: &str, e: sqlx::Error| format!("{what}: {e}");
    let mut tables: Vec<&Table> = transfer::CONTENT.iter().collect();
    if options.sessions {
        tables.push(&transfer::SESSIONS);
    }
    eprintln!("Copying from {} to {}", options.from, options.to);

    let mut from = source
        .begin_snapshot()
        .await
        .map_err(|e| failed("reading the source", e))?;
    let mut to = target
        .begin_write()
        .await
        .map_err(|e| failed("writing the target", e))?;
    empty_target(&mut to, options.replace, "the target").await?;

    let mut totals = Vec::new();
    for table in &tables {
        let rows = transfer::count(&mut from, table)
            .await
            .map_err(|e| failed("counting the source's rows", e))?;
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
            .map_err(|e| failed(&format!("reading {}", table.name), e))?
        {
            rows.iter().for_each(|row| checksum.add(row));
            transfer::insert_rows(&mut to, table, &columns, &rows)
                .await
                .map_err(|e| failed(&format!("writing {}", table.name), e))?;
            progress.advance(rows.len() as u64);
        }
        progress.done(table.name, checksum.rows);
        copied.push((*table, columns, checksum));
    }
    progress.finish();
    let _ = from.rollback().await;

    transfer::reset_sequences(&mut to, &tables)
        .await
        .map_err(|e| failed("resetting the target's id sequences", e))?;
    verify(&mut to, &copied).await?;
    to.commit()
        .await
        .map_err(|e| failed("committing the copy", e))?;
    eprintln!("Done: the target holds every row of the source.");
    Ok(())
}

/// Refuses a target that has content (unless `replace`: then deletes it, in the caller's
/// transaction), and always drops its sessions: they belong to accounts being replaced.
/// `what` names the target in the messages ("the target", "the database").
pub async fn empty_target(tx: &mut WriteTx, replace: bool, what: &str) -> Result<(), String> {
    let mut found = Vec::new();
    for table in transfer::CONTENT {
        let rows = transfer::count(tx, table)
            .await
            .map_err(|e| format!("inspecting {what}: {e}"))?;
        if rows > 0 {
            found.push(format!("{rows} {}", table.name));
        }
    }
    if !found.is_empty() && !replace {
        return Err(format!(
            "{what} is not empty (it has {}): nothing was written.\n  \
             Use a new database, or pass --replace to delete {what}'s content first.",
            found.join(", ")
        ));
    }
    let mut cleared: Vec<&Table> = transfer::CONTENT.iter().collect();
    cleared.push(&transfer::SESSIONS);
    transfer::clear(tx, &cleared)
        .await
        .map_err(|e| format!("emptying {what}: {e}"))
}

/// A table, the columns copied, and the checksum of the rows read.
pub type Expected<'a> = (&'a Table, Vec<&'a Column>, Checksum);

/// Reads back what the transaction wrote and compares counts and checksums with what was
/// read from the source, before anything is committed.
pub async fn verify(to: &mut WriteTx, expected: &[Expected<'_>]) -> Result<(), String> {
    let mut mismatches = Vec::new();
    eprintln!("{:>10} {:>8}  checksum", "table", "rows");
    for (table, columns, want) in expected {
        let got = checksum_of(to, table, columns)
            .await
            .map_err(|e| format!("reading back {}: {e}", table.name))?;
        let status = if &got == want { "ok" } else { "MISMATCH" };
        eprintln!(
            "{:>10} {:>8}  {}… {status}",
            table.name,
            got.rows,
            &got.hex()[..16]
        );
        if &got != want {
            mismatches.push(format!(
                "{}: {} rows read, {} found after writing",
                table.name, want.rows, got.rows
            ));
        }
    }
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "what was written does not match what was read, so nothing was committed: {}",
            mismatches.join("; ")
        ))
    }
}

/// The count and checksum of `columns` over every row of `table`.
pub async fn checksum_of(
    tx: &mut WriteTx,
    table: &Table,
    columns: &[&Column],
) -> Result<Checksum, sqlx::Error> {
    let mut checksum = Checksum::default();
    let mut batches = Batches::new(table, columns);
    while let Some(rows) = batches.next(tx).await? {
        rows.iter().for_each(|row| checksum.add(row));
    }
    Ok(checksum)
}
