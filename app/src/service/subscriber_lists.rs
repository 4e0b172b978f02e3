//! The subscriber list as CSV, to move it between newsletter tools: from the admin's page and
//! from `quire subscribers export|import`. An import runs in one transaction, can be tried
//! with nothing changed (a dry run), never subscribes again an address that unsubscribed (or
//! bounces) here, and confirms an address only when the file says it opted in.

use std::fmt;
use std::io::Write;

use crate::db::{self, subscribers::Imported, Db};
use crate::domain::Email;

/// A line of the file, parsed.
#[derive(Debug)]
pub struct ImportRow {
    pub line: u64,
    pub email: Email,
    pub opted_in: bool,
}

/// Why a file cannot be imported. Never carries an address: it may reach a log.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadProblem {
    /// No header line, or no `email` column in it.
    NoEmailColumn,
    /// Lines (numbered from 1, the header included) that are not an address or cannot be read.
    BadLines(Vec<u64>),
}

impl fmt::Display for ReadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadProblem::NoEmailColumn => {
                write!(f, "the file has no header line with an `email` column")
            }
            ReadProblem::BadLines(lines) => {
                let shown: Vec<String> = lines.iter().take(10).map(u64::to_string).collect();
                let more = if lines.len() > 10 { ", …" } else { "" };
                let noun = if lines.len() == 1 { "line" } else { "lines" };
                write!(
                    f,
                    "{noun} {}{more} cannot be imported (not an email address, or not CSV)",
                    shown.join(", ")
                )
            }
        }
    }
}

/// Reads a CSV file with an `email` column and, optionally, `opted_in` (yes, true or 1 for
/// an address that confirmed its subscription elsewhere) or `status` (`confirmed` counts as
/// opted in). Every line must be good, or nothing is imported.
pub fn read_csv(input: &[u8]) -> Result<Vec<ImportRow>, ReadProblem> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let mut lines = LineCounter::new(input);
    let headers = csv
        .headers()
        .map_err(|_| ReadProblem::NoEmailColumn)?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(name)
        })
    };
    let email_at = column("email").ok_or(ReadProblem::NoEmailColumn)?;
    let (opted_at, status_at) = (column("opted_in"), column("status"));
    let (mut rows, mut bad) = (Vec::new(), Vec::new());
    for (n, record) in csv.records().enumerate() {
        let fallback = n as u64 + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                bad.push(e.position().map_or(fallback, |p| lines.at(p.byte())));
                continue;
            }
        };
        let line = record.position().map_or(fallback, |p| lines.at(p.byte()));
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").trim();
        let opted_in = matches!(
            field(opted_at).to_ascii_lowercase().as_str(),
            "yes" | "true" | "1"
        ) || field(status_at).eq_ignore_ascii_case("confirmed");
        match Email::parse(field(Some(email_at))) {
            Ok(email) => rows.push(ImportRow {
                line,
                email,
                opted_in,
            }),
            Err(_) => bad.push(line),
        }
    }
    if bad.is_empty() {
        Ok(rows)
    } else {
        Err(ReadProblem::BadLines(bad))
    }
}

/// The file's line at a byte offset, for offsets met in order. By hand: the csv crate's own
/// line numbers do not count the blank lines it skips.
struct LineCounter<'a> {
    input: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(input: &'a [u8]) -> Self {
        LineCounter {
            input,
            byte: 0,
            line: 1,
        }
    }

    /// The line a record starting at `byte` is on: past any blank lines the reader skipped
    /// (its record positions point before them).
    fn at(&mut self, byte: u64) -> u64 {
        let mut to = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.input.len());
        while matches!(self.input.get(to), Some(b'\r' | b'\n')) {
            to += 1;
        }
        if to > self.byte {
            self.line += self.input[self.byte..to]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.byte = to;
        }
        self.line
    }
}

/// What an import did (or, in a dry run, would do), address by address.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportCounts {
    pub added_confirmed: u64,
    pub added_pending: u64,
    pub now_confirmed: u64,
    pub unchanged: u64,
    pub kept_out: u64,
}

impl ImportCounts {
    fn count(&mut self, outcome: Imported) {
        *match outcome {
            Imported::Confirmed => &mut self.added_confirmed,
            Imported::Pending => &mut self.added_pending,
            Imported::NowConfirmed => &mut self.now_confirmed,
            Imported::Unchanged => &mut self.unchanged,
            Imported::KeptOut => &mut self.kept_out,
        } += 1;
    }
}

impl fmt::Display for ImportCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} added confirmed, {} waiting for their own subscription, {} confirmed now, {} \
             already subscribed, {} unsubscribed or bouncing here and left out",
            self.added_confirmed,
            self.added_pending,
            self.now_confirmed,
            self.unchanged,
            self.kept_out
        )
    }
}

/// Imports `rows` in one transaction, rolled back when `dry_run`; `progress` is called after
/// each row. A failure leaves the list as it was.
pub async fn import(
    db: &Db,
    rows: &[ImportRow],
    dry_run: bool,
    mut progress: impl FnMut(),
) -> Result<ImportCounts, ImportError> {
    let mut tx = db
        .begin_write()
        .await
        .map_err(ImportError::database(None))?;
    let now = db::now();
    let mut counts = ImportCounts::default();
    for row in rows {
        let outcome = db::subscribers::import(&mut tx, &row.email, row.opted_in, now)
            .await
            .map_err(ImportError::database(Some(row.line)))?;
        counts.count(outcome);
        progress();
    }
    if dry_run {
        tx.rollback().await
    } else {
        tx.commit().await
    }
    .map_err(ImportError::database(None))?;
    Ok(counts)
}

/// The database failed during an import (at a line of the file, when it was at one).
#[derive(Debug)]
pub struct ImportError {
    pub line: Option<u64>,
    pub source: sqlx::Error,
}

impl ImportError {
    fn database(line: Option<u64>) -> impl FnOnce(sqlx::Error) -> ImportError {
        move |source| ImportError { line, source }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The line, not the address: errors reach the log, and addresses never do.
        match self.line {
            Some(line) => write!(f, "line {line} could not be imported: {}", self.source),
            None => write!(f, "the import could not be saved: {}", self.source),
        }
    }
}

impl std::error::Error for ImportError {}

/// Writes every subscriber, oldest first, as CSV (email, status, created_at, confirmed_at),
/// a file [`read_csv`] takes back. Returns how many.
pub async fn export(db: &Db, output: impl Write) -> Result<usize, ExportError> {
    let subscribers = db::subscribers::all(db)
        .await
        .map_err(ExportError::Database)?;
    let mut csv = csv::Writer::from_writer(output);
    csv.write_record(["email", "status", "created_at", "confirmed_at"])
        .map_err(ExportError::Write)?;
    for s in &subscribers {
        let confirmed = s.confirmed_at.map(|t| t.to_rfc3339()).unwrap_or_default();
        csv.write_record([&s.email, &s.status, &s.created_at.to_rfc3339(), &confirmed])
            .map_err(ExportError::Write)?;
    }
    csv.flush().map_err(|e| ExportError::Write(e.into()))?;
    Ok(subscribers.len())
}

#[derive(Debug)]
pub enum ExportError {
    Database(sqlx::Error),
    Write(csv::Error),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Database(e) => write!(f, "could not read the subscribers: {e}"),
            ExportError::Write(e) => write!(f, "could not write the file: {e}"),
        }
    }
}

impl std::error::Error for ExportError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_ins_are_read_from_either_column() {
        let rows = read_csv(
            "\u{feff}Email,Opted_In,status\nA@Example.com,Yes,\nb@example.com,,confirmed\n\
             c@example.com,no,pending\n"
                .as_bytes(),
        )
        .unwrap();
        let read: Vec<(&str, bool, u64)> = rows
            .iter()
            .map(|r| (r.email.as_str(), r.opted_in, r.line))
            .collect();
        assert_eq!(
            read,
            [
                ("a@example.com", true, 2),
                ("b@example.com", true, 3),
                ("c@example.com", false, 4)
            ]
        );
    }

    #[test]
    fn a_file_with_bad_lines_is_refused_whole_naming_them() {
        let problem =
            read_csv("email\r\nok@example.com\r\nnot an address\r\n\r\n\nx@\n".as_bytes())
                .unwrap_err();
        assert_eq!(problem, ReadProblem::BadLines(vec![3, 6]));
        assert!(!problem.to_string().contains("not an address"), "{problem}");
        assert_eq!(
            read_csv("name,address\nA,a@example.com\n".as_bytes()).unwrap_err(),
            ReadProblem::NoEmailColumn
        );
        assert_eq!(
            read_csv("".as_bytes()).unwrap_err(),
            ReadProblem::NoEmailColumn
        );
    }

    #[tokio::test]
    async fn a_dry_run_changes_nothing_and_an_export_reads_back() {
        let state = crate::service::testing::state().await;
        let rows =
            read_csv("email,opted_in\na@example.com,yes\nb@example.com,\n".as_bytes()).unwrap();
        let counts = import(&state.db, &rows, true, || {}).await.unwrap();
        assert_eq!((counts.added_confirmed, counts.added_pending), (1, 1));
        let mut out = Vec::new();
        assert_eq!(export(&state.db, &mut out).await.unwrap(), 0);

        let mut calls = 0;
        import(&state.db, &rows, false, || calls += 1)
            .await
            .unwrap();
        assert_eq!(calls, 2);
        let mut out = Vec::new();
        assert_eq!(export(&state.db, &mut out).await.unwrap(), 2);
        let back = read_csv(out.as_slice()).unwrap();
        let back: Vec<(&str, bool)> = back
            .iter()
            .map(|r| (r.email.as_str(), r.opted_in))
            .collect();
        assert_eq!(back, [("a@example.com", true), ("b@example.com", false)]);
    }
}
