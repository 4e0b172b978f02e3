//! The database a command writes a whole blog into (`copy-data`, `import`, `import-flask`):
//! refused when it has content (unless replaced), and checked against what was read before
//! anything is committed.

use anyhow::{bail, Context as _};
use app::db::transfer::{self, Batches, Checksum, Column, Table};
use app::db::WriteTx;

/// Refuses a target that has content (unless `replace`: then deletes it, in the caller's
/// transaction), and always drops its sessions: they belong to accounts being replaced.
/// `what` names the target in the messages ("the target", "the database").
pub async fn empty_target(tx: &mut WriteTx, replace: bool, what: &str) -> anyhow::Result<()> {
    let mut found = Vec::new();
    for table in transfer::CONTENT {
        let rows = transfer::count(tx, table)
            .await
            .with_context(|| format!("inspecting {what}"))?;
        if rows > 0 {
            found.push(format!("{rows} {}", table.name));
        }
    }
    if !found.is_empty() && !replace {
        bail!(
            "{what} is not empty (it has {}): nothing was written.\n  \
             Use a new database, or pass --replace to delete {what}'s content first.",
            found.join(", ")
        );
    }
    let mut cleared: Vec<&Table> = transfer::CONTENT.iter().collect();
    cleared.push(&transfer::SESSIONS);
    transfer::clear(tx, &cleared)
        .await
        .with_context(|| format!("emptying {what}"))
}

/// A table, the columns copied, and the checksum of the rows read.
pub type Expected<'a> = (&'a Table, Vec<&'a Column>, Checksum);

/// Reads back what the transaction wrote and compares counts and checksums with what was
/// read from the source, before anything is committed.
pub async fn verify(to: &mut WriteTx, expected: &[Expected<'_>]) -> anyhow::Result<()> {
    let mut mismatches = Vec::new();
    eprintln!("{:>10} {:>8}  checksum", "table", "rows");
    for (table, columns, want) in expected {
        let got = checksum_of(to, table, columns)
            .await
            .with_context(|| format!("reading back {}", table.name))?;
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
        bail!(
            "what was written does not match what was read, so nothing was committed: {}",
            mismatches.join("; ")
        )
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
