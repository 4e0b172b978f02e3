//! `quire export` and `quire import`: a backup of all content in a file that does not depend
//! on the backend, written and read as a stream.
//!
//! The format ("quire-export", version 1) is JSON Lines, UTF-8:
//! 1. a header: `{"format":"quire-export","version":1,"tables":{"users":["id","name",…],…}}`
//!    naming each table's columns;
//! 2. one line per row, tables in the order their foreign keys need (users, posts, comments,
//!    messages, settings), rows in key order: `{"table":"users","row":{"id":1,"name":"Ada",…}}`.
//!    Timestamps are RFC 3339 UTC with six fractional digits, bytes are base64;
//! 3. a trailer: `{"end":{"users":{"rows":1,"checksum":"…"},…}}`. A file without it is
//!    incomplete and is refused.
//!
//! Sessions are not exported: they are credentials, not content.

use anyhow::anyhow;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use app::db::transfer::{self, Batches, Checksum, Column, Table, Value};
use app::db::{Db, WriteTx};
use serde_json::{json, Map, Value as Json};

use super::progress::Progress;
use super::target::{empty_target, verify, Expected};

const FORMAT: &str = "quire-export";
const VERSION: u64 = 1;

/// Writes every content table to `output` (`-`: standard output).
pub async fn export(db: &Db, output: &Path) -> anyhow::Result<()> {
    if output == Path::new("-") {
        let stdout = std::io::stdout().lock();
        return write_export(db, std::io::BufWriter::new(stdout)).await;
    }
    // Written beside the target and renamed at the end, so a failed export never leaves a
    // file that looks like a backup.
    let partial = partial_path(output);
    let file = std::fs::File::create(&partial)
        .map_err(|e| anyhow!("cannot write {}: {e}", partial.display()))?;
    let result = write_export(db, std::io::BufWriter::new(file)).await;
    match result {
        Ok(()) => std::fs::rename(&partial, output)
            .map_err(|e| anyhow!("cannot write {}: {e}", output.display())),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn partial_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

async fn write_export(db: &Db, mut out: impl Write) -> anyhow::Result<()> {
    let io = |e: std::io::Error| anyhow!("writing the export: {e}");
    let failed = |e: sqlx::Error| anyhow!("reading the database: {e}");
    let tables: Map<String, Json> = transfer::CONTENT
        .iter()
        .map(|t| {
            let names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            (t.name.to_owned(), json!(names))
        })
        .collect();
    let header = json!({"format": FORMAT, "version": VERSION, "tables": tables});
    writeln!(out, "{header}").map_err(io)?;

    let mut tx = db.begin_snapshot().await.map_err(failed)?;
    let mut total = 0;
    for table in transfer::CONTENT {
        total += transfer::count(&mut tx, table).await.map_err(failed)? as u64;
    }
    let mut progress = Progress::rows(total);
    let mut end = Map::new();
    for table in transfer::CONTENT {
        progress.table(table.name);
        let columns: Vec<&Column> = table.columns.iter().collect();
        let mut checksum = Checksum::default();
        let mut batches = Batches::new(table, &columns);
        while let Some(rows) = batches.next(&mut tx).await.map_err(failed)? {
            for row in &rows {
                checksum.add(row);
                let object: Map<String, Json> = columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.name.to_owned(), v.to_json()))
                    .collect();
                writeln!(out, "{}", json!({"table": table.name, "row": object})).map_err(io)?;
            }
            progress.advance(rows.len() as u64);
        }
        progress.done(table.name, checksum.rows);
        end.insert(
            table.name.to_owned(),
            json!({"rows": checksum.rows, "checksum": checksum.hex()}),
        );
    }
    progress.finish();
    let _ = tx.rollback().await;
    writeln!(out, "{}", json!({ "end": end })).map_err(io)?;
    out.flush().map_err(io)
}

/// Reads an export from `input` (`-`: standard input) into the database, in one transaction.
pub async fn import(db: &Db, input: &Path, replace: bool) -> anyhow::Result<()> {
    if input == Path::new("-") {
        return read_import(db, std::io::stdin().lock(), 0, replace).await;
    }
    let file =
        std::fs::File::open(input).map_err(|e| anyhow!("cannot read {}: {e}", input.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    read_import(db, std::io::BufReader::new(file), size, replace).await
}

/// A table named in the file's header, with the columns the file gives for it.
struct FileTable {
    table: &'static Table,
    columns: Vec<&'static Column>,
    checksum: Checksum,
    pending: Vec<Vec<Value>>,
}

async fn read_import(db: &Db, input: impl BufRead, size: u64, replace: bool) -> anyhow::Result<()> {
    let mut lines = input.lines().enumerate();
    let mut next_line = || -> anyhow::Result<Option<(usize, String)>> {
        match lines.next() {
            None => Ok(None),
            Some((n, Ok(line))) => Ok(Some((n + 1, line))),
            Some((n, Err(e))) => Err(anyhow!("line {}: {e}", n + 1)),
        }
    };
    let (_, header) = next_line()?.ok_or_else(|| anyhow!("the file is empty"))?;
    let mut tables = parse_header(&header)?;

    let mut tx = db
        .begin_write()
        .await
        .map_err(|e| anyhow!("writing the database: {e}"))?;
    // Every early return below drops `tx`, which rolls the import back.
    empty_target(&mut tx, replace, "the database").await?;
    let mut progress = Progress::bytes(size);
    let mut read = header.len() as u64 + 1;
    let mut current = 0;
    let trailer = loop {
        let Some((n, line)) = next_line()? else {
            return Err(anyhow!(
                "the file ends before its trailer: it is incomplete"
            ));
        };
        read += line.len() as u64 + 1;
        let json: Json =
            serde_json::from_str(&line).map_err(|e| anyhow!("line {n}: not JSON ({e})"))?;
        if let Some(end) = json.get("end") {
            break end.clone();
        }
        let (index, row) = parse_row(&tables, &json).map_err(|e| anyhow!("line {n}: {e}"))?;
        if index < current {
            return Err(anyhow!(
                "line {n}: rows of {} after rows of {}: the file is out of order",
                tables[index].table.name,
                tables[current].table.name
            ));
        }
        if index > current {
            flush(&mut tx, &mut tables[current]).await?;
            progress.done(tables[current].table.name, tables[current].checksum.rows);
            current = index;
            progress.table(tables[current].table.name);
        }
        let file_table = &mut tables[index];
        file_table.checksum.add(&row);
        file_table.pending.push(row);
        if file_table.pending.len() >= file_table.table.batch_rows() {
            flush(&mut tx, file_table).await?;
            progress.set_position(read);
        }
    };
    if let Some(last) = tables.get_mut(current) {
        flush(&mut tx, last).await?;
        progress.done(last.table.name, last.checksum.rows);
    }
    progress.finish();
    if let Some((n, _)) =
        std::iter::from_fn(|| next_line().ok().flatten()).find(|(_, l)| !l.trim().is_empty())
    {
        return Err(anyhow!("line {n}: content after the trailer"));
    }
    check_trailer(&tables, &trailer)?;

    let copied: Vec<&Table> = tables.iter().map(|t| t.table).collect();
    transfer::reset_sequences(&mut tx, &copied)
        .await
        .map_err(|e| anyhow!("resetting id sequences: {e}"))?;
    let expected: Vec<Expected> = tables
        .iter()
        .map(|t| (t.table, t.columns.clone(), t.checksum.clone()))
        .collect();
    verify(&mut tx, &expected).await?;
    tx.commit()
        .await
        .map_err(|e| anyhow!("committing the import: {e}"))?;
    eprintln!("Imported every row; counts and checksums match the file.");
    Ok(())
}

fn parse_header(line: &str) -> anyhow::Result<Vec<FileTable>> {
    let header: Json = serde_json::from_str(line).map_err(|e| anyhow!("line 1: not JSON ({e})"))?;
    if header.get("format").and_then(Json::as_str) != Some(FORMAT) {
        return Err(anyhow!(
            "line 1: this is not a Quire export (no \"format\": \"quire-export\")"
        ));
    }
    match header.get("version").and_then(Json::as_u64) {
        Some(VERSION) => {}
        other => {
            return Err(anyhow!(
                "line 1: export format version {other:?}; this Quire reads version {VERSION}"
            ))
        }
    }
    let named = header
        .get("tables")
        .and_then(Json::as_object)
        .ok_or_else(|| anyhow!("line 1: the header lists no tables"))?;
    for name in named.keys() {
        if !transfer::CONTENT.iter().any(|t| t.name == name) {
            return Err(anyhow!("line 1: unknown table {name:?}"));
        }
    }
    let mut tables = Vec::new();
    for table in transfer::CONTENT {
        let Some(names) = named.get(table.name) else {
            continue;
        };
        let names = names
            .as_array()
            .ok_or_else(|| anyhow!("line 1: the columns of {} are not a list", table.name))?;
        let mut columns = Vec::new();
        for name in names {
            let column = name
                .as_str()
                .and_then(|n| table.column(n))
                .ok_or_else(|| anyhow!("line 1: {} has no column {name}", table.name))?;
            columns.push(column);
        }
        if !columns.iter().any(|c| c.name == table.key) {
            return Err(anyhow!(
                "line 1: {} lacks its key {}",
                table.name,
                table.key
            ));
        }
        tables.push(FileTable {
            table,
            columns,
            checksum: Checksum::default(),
            pending: Vec::new(),
        });
    }
    Ok(tables)
}

fn parse_row(tables: &[FileTable], json: &Json) -> anyhow::Result<(usize, Vec<Value>)> {
    let name = json
        .get("table")
        .and_then(Json::as_str)
        .ok_or_else(|| anyhow!("a row without \"table\""))?;
    let index = tables
        .iter()
        .position(|t| t.table.name == name)
        .ok_or_else(|| anyhow!("table {name:?} is not in the header"))?;
    let object = json
        .get("row")
        .and_then(Json::as_object)
        .ok_or_else(|| anyhow!("a row without \"row\""))?;
    let columns = &tables[index].columns;
    if let Some(extra) = object
        .keys()
        .find(|k| !columns.iter().any(|c| c.name == *k))
    {
        return Err(anyhow!("{name} has no column {extra:?}"));
    }
    let mut values = Vec::with_capacity(columns.len());
    for column in columns {
        let json = object
            .get(column.name)
            .ok_or_else(|| anyhow!("{name}.{} is missing", column.name))?;
        values.push(
            Value::from_json(column.kind, json)
                .map_err(|e| anyhow!("{name}.{}: {e}", column.name))?,
        );
    }
    Ok((index, values))
}

async fn flush(tx: &mut WriteTx, table: &mut FileTable) -> anyhow::Result<()> {
    if table.pending.is_empty() {
        return Ok(());
    }
    transfer::insert_rows(tx, table.table, &table.columns, &table.pending)
        .await
        .map_err(|e| anyhow!("writing {}: {e}", table.table.name))?;
    table.pending.clear();
    Ok(())
}

/// The trailer's counts and checksums must be those of the rows read: a file cut short or
/// edited by hand is refused.
fn check_trailer(tables: &[FileTable], trailer: &Json) -> anyhow::Result<()> {
    let end: BTreeMap<String, Json> = serde_json::from_value(trailer.clone())
        .map_err(|_| anyhow!("the trailer is not an object of tables"))?;
    for t in tables {
        let entry = end
            .get(t.table.name)
            .ok_or_else(|| anyhow!("the trailer does not mention {}", t.table.name))?;
        let rows = entry.get("rows").and_then(Json::as_u64);
        let checksum = entry.get("checksum").and_then(Json::as_str);
        if rows != Some(t.checksum.rows) || checksum != Some(t.checksum.hex().as_str()) {
            return Err(anyhow!(
                "{}: the file has {} rows but its trailer says {rows:?}, or their checksum \
                 differs: the file is damaged",
                t.table.name,
                t.checksum.rows
            ));
        }
    }
    Ok(())
}
