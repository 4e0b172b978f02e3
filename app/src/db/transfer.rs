//! Moving whole tables between databases: what `quire copy-data`, `quire export` and
//! `quire import` are built on.
//!
//! Rows travel as [`Value`]s, a backend-neutral form: a timestamp read from SQLite's text and
//! one read from PostgreSQL's `timestamptz` become the same value, so a row can be written to
//! either backend and a checksum over values means the same thing on both.

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest as _, Sha256};
use sqlx::Row as _;

use super::{on_tx, Backend, Db, WriteTx};

/// How a column's values are stored and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Bool,
    /// A point in time, kept to the microsecond.
    Time,
    Bytes,
    /// The session store's expiry: written by tower-sessions as a `time::OffsetDateTime`,
    /// whose SQLite text form differs from chrono's, so it is read and written as one.
    SessionTime,
}

#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The primary key: rows are read in its order, in batches after the last key seen.
    pub key: &'static str,
    pub columns: &'static [Column],
    /// Whether the key is an identity column whose sequence must follow copied ids (PostgreSQL).
    pub identity: bool,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Rows read, and written, per batch: 500, but a few for images (up to 5 MiB each), so
    /// memory stays flat whatever the table holds.
    pub fn batch_rows(&self) -> usize {
        if self.name == "images" {
            4
        } else {
            500
        }
    }
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

/// The blog's content, in an order that satisfies every foreign key.
pub const CONTENT: &[Table] = &[
    Table {
        name: "users",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("name", Kind::Text),
            col("email", Kind::Text),
            col("password_hash", Kind::Text),
            col("role", Kind::Text),
            col("created_at", Kind::Time),
            // Since migration 0014: a moved blog keeps its two-factor sign-ins (an admin's
            // protection must not fall away in a move). An unconfirmed enrolment starts over.
            col("totp_secret", Kind::Text),
            col("totp_since", Kind::Time),
            col("totp_last_step", Kind::Int),
            // Since migration 0023: a removed person stays removed.
            col("removed_at", Kind::Time),
            // Since migration 0024: who asked to be mailed replies.
            col("notify_replies", Kind::Bool),
        ],
    },
    // Since migration 0023: invitations not used yet still work after a move.
    Table {
        name: "invites",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("token_hash", Kind::Text),
            col("email", Kind::Text),
            col("role", Kind::Text),
            col("invited_by", Kind::Int),
            col("created_at", Kind::Time),
            col("expires_at", Kind::Time),
            col("used_at", Kind::Time),
            col("used_by", Kind::Int),
        ],
    },
    // Since migration 0026: standalone pages.
    Table {
        name: "pages",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("title", Kind::Text),
            col("slug", Kind::Text),
            col("body", Kind::Text),
            col("position", Kind::Int),
            col("in_nav", Kind::Bool),
            col("created_at", Kind::Time),
            col("updated_at", Kind::Time),
        ],
    },
    // Since migration 0025: series, before the posts that are their parts.
    Table {
        name: "series",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("title", Kind::Text),
            col("slug", Kind::Text),
            col("created_at", Kind::Time),
        ],
    },
    Table {
        name: "posts",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("author_id", Kind::Int),
            col("title", Kind::Text),
            col("subtitle", Kind::Text),
            col("slug", Kind::Text),
            col("body", Kind::Text),
            col("cover_url", Kind::Text),
            col("created_at", Kind::Time),
            col("updated_at", Kind::Time),
            col("published_at", Kind::Time),
            // Since migration 0006. Posts from a backup made before it have none until their
            // next edit gives them one.
            col("preview_token", Kind::Text),
            // Since migration 0010 (HTML bodies imported from a Flask blog). A backup made
            // before it has only Markdown: its posts take the default.
            col("body_format", Kind::Text),
            // Since migration 0020. A backup made before it starts every post at revision 1,
            // saved by nobody known.
            col("revision", Kind::Int),
            col("updated_by", Kind::Int),
            // Since migration 0023: a draft submitted for review stays submitted.
            col("submitted_at", Kind::Time),
            // Since migration 0025: the series it is a part of, and where.
            col("series_id", Kind::Int),
            col("series_position", Kind::Int),
        ],
    },
    // Since migration 0022: co-authors.
    Table {
        name: "post_coauthors",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("post_id", Kind::Int),
            col("user_id", Kind::Int),
            col("position", Kind::Int),
        ],
    },
    // Since migration 0021: each post's kept revisions. A backup made before it has none
    // (a restore is what was backed up): such posts' revisions start at their next save.
    Table {
        name: "post_revisions",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("post_id", Kind::Int),
            col("number", Kind::Int),
            col("saved_by", Kind::Int),
            col("saved_at", Kind::Time),
            col("title", Kind::Text),
            col("subtitle", Kind::Text),
            col("cover_url", Kind::Text),
            col("body", Kind::Text),
            col("body_format", Kind::Text),
            col("tags", Kind::Text),
        ],
    },
    // Since migration 0020: text typed in the editor and not saved yet moves with the blog
    // too (a move must not be where a paragraph is lost).
    Table {
        name: "post_autosaves",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("user_id", Kind::Int),
            col("post_id", Kind::Int),
            col("base_revision", Kind::Int),
            col("title", Kind::Text),
            col("subtitle", Kind::Text),
            col("cover_url", Kind::Text),
            col("tags", Kind::Text),
            col("body", Kind::Text),
            col("saved_at", Kind::Time),
        ],
    },
    // Since migration 0007 (a backup made before it has neither table, and no tags).
    Table {
        name: "tags",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("slug", Kind::Text),
            col("name", Kind::Text),
        ],
    },
    Table {
        name: "post_tags",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("post_id", Kind::Int),
            col("tag_id", Kind::Int),
        ],
    },
    Table {
        name: "comments",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("post_id", Kind::Int),
            col("author_id", Kind::Int),
            col("body", Kind::Text),
            col("created_at", Kind::Time),
            // Since migration 0004. A backup made before it has no such column: its comments
            // take the default, visible, as they were.
            col("status", Kind::Text),
            // Since migration 0010, like posts.body_format.
            col("body_format", Kind::Text),
            // Since migration 0024: replies (a reply's id is above its parent's, so rows in
            // id order land parents first).
            col("parent_id", Kind::Int),
            col("reply_notified_at", Kind::Time),
        ],
    },
    Table {
        name: "messages",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("name", Kind::Text),
            col("email", Kind::Text),
            col("phone", Kind::Text),
            col("body", Kind::Text),
            col("created_at", Kind::Time),
            col("read_at", Kind::Time),
            col("mailed", Kind::Bool),
        ],
    },
    Table {
        name: "settings",
        key: "key",
        identity: false,
        columns: &[
            col("key", Kind::Text),
            col("value", Kind::Text),
            col("updated_at", Kind::Time),
        ],
    },
    // Since migration 0008: uploaded images, their bytes as they were uploaded (base64 in an
    // export, so the checksum covers every byte). A backup made before it has no images.
    Table {
        name: "images",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("sha256", Kind::Text),
            col("content_type", Kind::Text),
            col("bytes", Kind::Bytes),
            col("byte_size", Kind::Int),
            col("width", Kind::Int),
            col("height", Kind::Int),
            col("uploader_id", Kind::Int),
            col("created_at", Kind::Time),
        ],
    },
    // Since migration 0014, with the users columns totp_*.
    Table {
        name: "recovery_codes",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("user_id", Kind::Int),
            col("code_hash", Kind::Text),
            col("used_at", Kind::Time),
        ],
    }, // Since migration 0017: subscribers (their addresses move with the blog), the posts
    // marked for mailing, and which post went to whom, so that a moved blog never mails a
    // post twice to an address. Each mailing's outbox row stays behind (the outbox is not
    // content), so its link to it does too.
    Table {
        name: "subscribers",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("email", Kind::Text),
            col("status", Kind::Text),
            col("confirm_token_hash", Kind::Text),
            col("confirm_expires_at", Kind::Time),
            col("bounces", Kind::Int),
            col("created_at", Kind::Time),
            col("confirmed_at", Kind::Time),
            col("unsubscribed_at", Kind::Time),
        ],
    },
    Table {
        name: "post_newsletters",
        key: "post_id",
        identity: false,
        columns: &[
            col("post_id", Kind::Int),
            col("state", Kind::Text),
            col("queued_at", Kind::Time),
        ],
    },
    Table {
        name: "post_mailings",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("post_id", Kind::Int),
            col("subscriber_id", Kind::Int),
            col("unsubscribe_token_hash", Kind::Text),
        ],
    },
    // Since migration 0018: imported posts' old addresses, so their redirects move too.
    Table {
        name: "old_addresses",
        key: "id",
        identity: true,
        columns: &[
            col("id", Kind::Int),
            col("address", Kind::Text),
            col("post_id", Kind::Int),
        ],
    },
];

/// Logged-in sessions: not content (never exported), copied only when asked for.
pub const SESSIONS: Table = Table {
    name: "sessions",
    key: "id",
    identity: false,
    columns: &[
        col("id", Kind::Text),
        col("data", Kind::Bytes),
        col("expiry_date", Kind::SessionTime),
    ],
};

/// A column value in backend-neutral form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Time(DateTime<Utc>),
    Bytes(Vec<u8>),
}

impl Value {
    fn time(t: Option<DateTime<Utc>>) -> Value {
        t.map_or(Value::Null, |t| Value::Time(t.trunc_subsecs(6)))
    }

    /// The value as it appears in an export file: timestamps as RFC 3339 UTC with six
    /// fractional digits, bytes as base64.
    pub fn to_json(&self) -> serde_json::Value {
        use base64::Engine as _;
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Int(n) => (*n).into(),
            Value::Text(s) => s.as_str().into(),
            Value::Bool(b) => (*b).into(),
            Value::Time(t) => t
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                .into(),
            Value::Bytes(b) => base64::engine::general_purpose::STANDARD.encode(b).into(),
        }
    }

    /// Reads a value of `kind` from an export file.
    pub fn from_json(kind: Kind, json: &serde_json::Value) -> Result<Value, String> {
        use base64::Engine as _;
        use serde_json::Value as J;
        Ok(match (kind, json) {
            (_, J::Null) => Value::Null,
            (Kind::Int, J::Number(n)) => Value::Int(n.as_i64().ok_or("not a 64-bit integer")?),
            (Kind::Text, J::String(s)) => Value::Text(s.clone()),
            (Kind::Bool, J::Bool(b)) => Value::Bool(*b),
            (Kind::Time | Kind::SessionTime, J::String(s)) => {
                let t = DateTime::parse_from_rfc3339(s)
                    .map_err(|e| format!("not an RFC 3339 time ({e})"))?;
                Value::time(Some(t.with_timezone(&Utc)))
            }
            (Kind::Bytes, J::String(s)) => Value::Bytes(
                base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .map_err(|e| format!("not base64 ({e})"))?,
            ),
            (kind, other) => return Err(format!("expected {kind:?}, found {other}")),
        })
    }
}

/// A row count and a checksum over a table's rows that does not depend on the order they
/// were read in (two backends may sort text keys differently): the sum of each row's SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checksum {
    pub rows: u64,
    sum: [u64; 4],
}

impl Checksum {
    pub fn add(&mut self, row: &[Value]) {
        let canonical =
            serde_json::Value::Array(row.iter().map(Value::to_json).collect()).to_string();
        let hash = Sha256::digest(canonical.as_bytes());
        let mut carry = 0u128;
        for (i, chunk) in hash.chunks_exact(8).enumerate().rev() {
            let word = u64::from_be_bytes(chunk.try_into().expect("8 bytes"));
            let total = u128::from(self.sum[i]) + u128::from(word) + carry;
            self.sum[i] = total as u64;
            carry = total >> 64;
        }
        self.rows += 1;
    }

    pub fn hex(&self) -> String {
        self.sum.iter().map(|w| format!("{w:016x}")).collect()
    }
}

impl Db {
    /// A read-only transaction that sees one consistent state of the whole database, however
    /// long the reading takes.
    pub async fn begin_snapshot(&self) -> Result<WriteTx, sqlx::Error> {
        Ok(match self {
            // In WAL mode a read transaction keeps the snapshot of its first read.
            Db::Sqlite(pool) => WriteTx::Sqlite(pool.begin_with("BEGIN DEFERRED").await?),
            Db::Postgres(pool) => WriteTx::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }
}

impl WriteTx {
    pub fn backend(&self) -> Backend {
        match self {
            WriteTx::Sqlite(_) => Backend::Sqlite,
            WriteTx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.rollback().await,
            WriteTx::Postgres(tx) => tx.rollback().await,
        }
    }
}

fn column_list(columns: &[&Column]) -> String {
    columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a table in key order, a batch of rows at a time, each batch starting after the last
/// key of the one before: memory stays flat however big the table.
pub struct Batches<'t> {
    table: &'t Table,
    columns: &'t [&'t Column],
    key: usize,
    after: Option<Value>,
    done: bool,
}

impl<'t> Batches<'t> {
    /// Reads `columns` of `table` (values in that order); the key must be among them.
    pub fn new(table: &'t Table, columns: &'t [&'t Column]) -> Self {
        let key = columns
            .iter()
            .position(|c| c.name == table.key)
            .expect("the key is read");
        Batches {
            table,
            columns,
            key,
            after: None,
            done: false,
        }
    }

    /// The next batch, or `None` after the last row.
    pub async fn next(&mut self, tx: &mut WriteTx) -> Result<Option<Vec<Vec<Value>>>, sqlx::Error> {
        if self.done {
            return Ok(None);
        }
        let rows = read_batch(
            tx,
            self.table,
            self.columns,
            self.after.as_ref(),
            // One round trip per batch.
            self.table.batch_rows() as i64,
        )
        .await?;
        match rows.last() {
            Some(last) => {
                self.after = Some(last[self.key].clone());
                Ok(Some(rows))
            }
            None => {
                self.done = true;
                Ok(None)
            }
        }
    }
}

/// Reads up to `limit` rows of `columns`, in key order, after the key `after` (`None`: from
/// the start).
async fn read_batch(
    tx: &mut WriteTx,
    table: &Table,
    columns: &[&Column],
    after: Option<&Value>,
    limit: i64,
) -> Result<Vec<Vec<Value>>, sqlx::Error> {
    let (name, key, list) = (table.name, table.key, column_list(columns));
    let sql = match after {
        None => format!("SELECT {list} FROM {name} ORDER BY {key} LIMIT $1"),
        Some(_) => format!("SELECT {list} FROM {name} WHERE {key} > $2 ORDER BY {key} LIMIT $1"),
    };
    on_tx!(tx, conn => {
        let mut query = sqlx::query(&sql).bind(limit);
        match after {
            Some(Value::Int(n)) => query = query.bind(*n),
            Some(Value::Text(s)) => query = query.bind(s.as_str()),
            Some(other) => unreachable!("keys are integers or text, not {other:?}"),
            None => {}
        }
        let rows = query.fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values = Vec::with_capacity(columns.len());
            for (i, column) in columns.iter().enumerate() {
                values.push(match column.kind {
                    Kind::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::Int),
                    Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::Text),
                    Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map_or(Value::Null, Value::Bool),
                    Kind::Time => Value::time(row.try_get::<Option<DateTime<Utc>>, _>(i)?),
                    Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Value::Null, Value::Bytes),
                    Kind::SessionTime => Value::time(
                        row.try_get::<Option<time::OffsetDateTime>, _>(i)?.map(offset_to_chrono),
                    ),
                });
            }
            out.push(values);
        }
        Ok(out)
    })
}

/// Inserts rows (values in `columns` order) as they are, ids included, several per statement.
pub async fn insert_rows(
    tx: &mut WriteTx,
    table: &Table,
    columns: &[&Column],
    rows: &[Vec<Value>],
) -> Result<(), sqlx::Error> {
    // Well under SQLite's and PostgreSQL's limits on bound parameters per statement.
    let per_statement = (900 / columns.len().max(1)).max(1);
    for chunk in rows.chunks(per_statement) {
        let placeholders: Vec<String> = (0..chunk.len())
            .map(|r| {
                let row: Vec<String> = (1..=columns.len())
                    .map(|c| format!("${}", r * columns.len() + c))
                    .collect();
                format!("({})", row.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            table.name,
            column_list(columns),
            placeholders.join(", ")
        );
        on_tx!(tx, conn => {
            let mut query = sqlx::query(&sql);
            for row in chunk {
                for (column, value) in columns.iter().zip(row) {
                    query = match (column.kind, value) {
                        (Kind::Int, Value::Int(n)) => query.bind(*n),
                        (Kind::Int, _) => query.bind(None::<i64>),
                        (Kind::Text, Value::Text(s)) => query.bind(s.as_str()),
                        (Kind::Text, _) => query.bind(None::<String>),
                        (Kind::Bool, Value::Bool(b)) => query.bind(*b),
                        (Kind::Bool, _) => query.bind(None::<bool>),
                        (Kind::Time, Value::Time(t)) => query.bind(*t),
                        (Kind::Time, _) => query.bind(None::<DateTime<Utc>>),
                        (Kind::Bytes, Value::Bytes(b)) => query.bind(b.as_slice()),
                        (Kind::Bytes, _) => query.bind(None::<Vec<u8>>),
                        (Kind::SessionTime, Value::Time(t)) => query.bind(chrono_to_offset(*t)),
                        (Kind::SessionTime, _) => query.bind(None::<time::OffsetDateTime>),
                    };
                }
            }
            query.execute(&mut *conn).await?;
        });
    }
    Ok(())
}

pub async fn count(tx: &mut WriteTx, table: &Table) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) FROM {}", table.name);
    on_tx!(tx, conn => sqlx::query_scalar(&sql).fetch_one(&mut *conn).await)
}

/// Deletes every row of `tables`, last first so that no foreign key is left dangling.
pub async fn clear(tx: &mut WriteTx, tables: &[&Table]) -> Result<(), sqlx::Error> {
    for table in tables.iter().rev() {
        let sql = format!("DELETE FROM {}", table.name);
        on_tx!(tx, conn => {
            sqlx::query(&sql).execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Points PostgreSQL's identity sequences past the highest copied id, so the next post or
/// comment does not collide with a copied one. SQLite needs nothing: a new rowid is always
/// one more than the largest.
pub async fn reset_sequences(tx: &mut WriteTx, tables: &[&Table]) -> Result<(), sqlx::Error> {
    let WriteTx::Postgres(tx) = tx else {
        return Ok(());
    };
    for table in tables.iter().filter(|t| t.identity) {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{name}', '{key}'), \
             COALESCE(MAX({key}), 0) + 1, false) FROM {name}",
            name = table.name,
            key = table.key
        );
        sqlx::query(&sql).execute(&mut **tx).await?;
    }
    Ok(())
}

fn offset_to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    let nanos = t.unix_timestamp_nanos();
    DateTime::from_timestamp(
        nanos.div_euclid(1_000_000_000) as i64,
        nanos.rem_euclid(1_000_000_000) as u32,
    )
    .unwrap_or_default()
}

fn chrono_to_offset(t: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(t.timestamp()) * 1_000_000_000 + i128::from(t.timestamp_subsec_nanos()),
    )
    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_the_export_form() {
        let t = DateTime::parse_from_rfc3339("2026-11-25T20:53:44.123456789+02:00")
            .unwrap()
            .with_timezone(&Utc);
        let cases = [
            (Kind::Int, Value::Int(-42)),
            (Kind::Text, Value::Text("quote \" and ünïcode".into())),
            (Kind::Bool, Value::Bool(true)),
            (Kind::Time, Value::time(Some(t))),
            (Kind::Bytes, Value::Bytes(vec![0, 159, 255])),
            (Kind::Text, Value::Null),
        ];
        for (kind, value) in cases {
            assert_eq!(Value::from_json(kind, &value.to_json()).unwrap(), value);
        }
        assert_eq!(
            Value::time(Some(t)).to_json(),
            serde_json::json!("2026-11-25T18:53:44.123456Z")
        );
    }

    #[test]
    fn wrong_types_are_refused() {
        assert!(Value::from_json(Kind::Int, &serde_json::json!("1")).is_err());
        assert!(Value::from_json(Kind::Int, &serde_json::json!(1.5)).is_err());
        assert!(Value::from_json(Kind::Time, &serde_json::json!("yesterday")).is_err());
        assert!(Value::from_json(Kind::Bool, &serde_json::json!(0)).is_err());
    }

    #[test]
    fn checksum_ignores_order_but_not_content() {
        let a = vec![Value::Int(1), Value::Text("a".into())];
        let b = vec![Value::Int(2), Value::Text("b".into())];
        let (mut ab, mut ba, mut changed) = Default::default();
        Checksum::add(&mut ab, &a);
        Checksum::add(&mut ab, &b);
        Checksum::add(&mut ba, &b);
        Checksum::add(&mut ba, &a);
        Checksum::add(&mut changed, &a);
        Checksum::add(&mut changed, &[Value::Int(2), Value::Text("B".into())]);
        assert_eq!(ab, ba);
        assert_ne!(ab, changed);
        assert_eq!(ab.rows, 2);
    }

    #[test]
    fn session_times_convert_both_ways() {
        let t = DateTime::from_timestamp(1_790_000_000, 123_456_000).unwrap();
        assert_eq!(offset_to_chrono(chrono_to_offset(t)), t);
    }

    #[test]
    fn every_table_key_is_a_column() {
        for table in CONTENT.iter().chain([&SESSIONS]) {
            assert!(table.column(table.key).is_some(), "{}", table.name);
        }
    }
}
