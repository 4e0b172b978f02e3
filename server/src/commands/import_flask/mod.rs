//! `quire import-flask`: a blog made with the Flask course (Flask-SQLAlchemy's `users`,
//! `blog_posts` and `comments`) into the configured database, in one transaction, ids and
//! password hashes kept.
//!
//! The source is read once, a batch at a time (memory stays flat), users before posts
//! before comments; each row goes through the rules in [`plan`] and is written at once. A
//! damaged row stops the import and the transaction is dropped, so the target is left as it
//! was. A dry run reads and plans everything and opens no target at all.

use anyhow::anyhow;
mod plan;
mod source;

use std::fmt::Write as _;

use app::db::transfer::{self, Checksum, Column, Table, Value};
use app::db::{self, WriteTx};

use super::progress::Progress;
use super::target::{empty_target, verify, Expected};
use crate::startup::database::open_database;
use crate::startup::Config;
use plan::{FlaskAuthor, FlaskComment, FlaskPost, FlaskUser, Planner, Problem};
use source::{Location, Snapshot, Source, SourceRow};

#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// The Flask app's database, as its DB_URI says: sqlite:///posts.db (found in the app's
    /// instance/ folder or the current one), a path to the .db file, or a postgresql://
    /// URL (add ?sslmode=require for Render's external URLs).
    #[arg(long, value_name = "DB_URI")]
    pub from: String,
    /// Read everything and print what would be imported and every problem found; write
    /// nothing (the target database is not even opened).
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the target's content first, instead of refusing a target that has some.
    #[arg(long)]
    pub replace: bool,
}

/// Rows read from the source per round trip.
const BATCH: i64 = 500;

pub async fn run(config: &Config, options: &Options) -> anyhow::Result<()> {
    let cwd = std::env::current_dir().map_err(|e| anyhow!("the current folder: {e}"))?;
    let location = Location::parse(&options.from, &cwd).map_err(|e| anyhow!("--from: {e}"))?;
    refuse_same_database(&location, config)?;
    eprintln!("Reading the Flask blog from the {}", location.describe());
    let source = Source::open(&location).await?;
    let result = import(&source, config, options).await;
    source.close().await;
    result
}

async fn import(source: &Source, config: &Config, options: &Options) -> anyhow::Result<()> {
    let mut snapshot = source.snapshot().await?;
    let schema = Schema::read(&mut snapshot).await?;
    let totals = schema.count(&mut snapshot).await?;
    let max_user_id = match &schema.users {
        Some(users) => snapshot.max_id(&users.name).await?,
        None => 0,
    };
    let mut writer = match options.dry_run {
        true => None,
        false => {
            let db = open_database(config).await?;
            let mut tx = db
                .begin_write()
                .await
                .map_err(|e| anyhow!("writing the target: {e}"))?;
            // Every early return below drops `tx`, which rolls the whole import back.
            empty_target(&mut tx, options.replace, "the target").await?;
            Some(Writer::new(tx))
        }
    };
    let mut planner = Planner::new(app::db::now(), max_user_id);
    let mut damaged = Vec::new();
    let mut progress = Progress::rows(totals.iter().sum());
    let mut counts = [0u64; 3];

    if let Some(users) = &schema.users {
        progress.table("users");
        let columns = users.select(&["email", "password", "name"]);
        read_table(
            &mut snapshot,
            users,
            &columns,
            &mut progress,
            async |rows| {
                let planned: Vec<Vec<Value>> = rows
                    .iter()
                    .map(|row| {
                        planner.user(&FlaskUser {
                            id: row.id,
                            email: row.values[0].clone(),
                            password: row.values[1].clone(),
                            name: row.values[2].clone(),
                        })
                    })
                    .collect();
                counts[0] += planned.len() as u64;
                write(&mut writer, Kind::Users, planned).await
            },
        )
        .await?;
        progress.done("users", counts[0]);
    }

    progress.table("posts");
    let posts = &schema.posts;
    let by_name = !posts.has("author_id") && posts.has("author");
    let author_column = if by_name { "author" } else { "author_id" };
    let columns = posts.select(&[
        author_column,
        "title",
        "subtitle",
        "date",
        "body",
        "img_url",
    ]);
    read_table(
        &mut snapshot,
        posts,
        &columns,
        &mut progress,
        async |rows| {
            let mut planned = Vec::with_capacity(rows.len());
            for row in rows {
                let v = &row.values;
                let post = FlaskPost {
                    id: row.id,
                    author: if by_name {
                        FlaskAuthor::Name(v[0].clone())
                    } else {
                        FlaskAuthor::Id(v[0].clone())
                    },
                    title: v[1].clone(),
                    subtitle: v[2].clone(),
                    date: v[3].clone(),
                    body: v[4].clone(),
                    img_url: v[5].clone(),
                };
                match planner.post(&post) {
                    Ok(values) => planned.push(values),
                    Err(plan::Damaged(problem)) => stop_or_note(options, &mut damaged, problem)?,
                }
            }
            counts[1] += planned.len() as u64;
            write(&mut writer, Kind::Users, planner.take_pending_users()).await?;
            write(&mut writer, Kind::Posts, planned).await
        },
    )
    .await?;
    progress.done("posts", counts[1]);

    if let Some(comments) = &schema.comments {
        progress.table("comments");
        let columns = comments.select(&["text", "author_id", "post_id"]);
        read_table(
            &mut snapshot,
            comments,
            &columns,
            &mut progress,
            async |rows| {
                let mut planned = Vec::with_capacity(rows.len());
                for row in rows {
                    let v = &row.values;
                    let comment = FlaskComment {
                        id: row.id,
                        text: v[0].clone(),
                        author_id: v[1].clone(),
                        post_id: v[2].clone(),
                    };
                    match planner.comment(&comment) {
                        Ok(Some(values)) => planned.push(values),
                        Ok(None) => {}
                        Err(plan::Damaged(problem)) => {
                            stop_or_note(options, &mut damaged, problem)?
                        }
                    }
                }
                counts[2] += planned.len() as u64;
                write(&mut writer, Kind::Users, planner.take_pending_users()).await?;
                write(&mut writer, Kind::Comments, planned).await
            },
        )
        .await?;
        progress.done("comments", counts[2]);
    }
    progress.finish();
    snapshot.finish().await;

    let mut problems = schema.notes.clone();
    problems.append(&mut planner.problems);
    let report = Report {
        users: counts[0],
        made_up: planner.made_up_accounts() as u64,
        admins: planner.admins().to_vec(),
        posts: counts[1],
        comments: counts[2],
        problems,
        damaged,
    };
    match writer {
        None => {
            print!("{}", report.render(true));
            match report.damaged.is_empty() {
                true => Ok(()),
                false => Err(anyhow!(
                    "{} damaged row(s) would stop the import (listed above)",
                    report.damaged.len()
                )),
            }
        }
        Some(writer) => {
            writer.finish().await?;
            print!("{}", report.render(false));
            Ok(())
        }
    }
}

/// In a real import a damaged row ends it (and the transaction rolls back); a dry run lists
/// every one.
fn stop_or_note(
    options: &Options,
    damaged: &mut Vec<Problem>,
    problem: Problem,
) -> anyhow::Result<()> {
    if options.dry_run {
        damaged.push(problem);
        Ok(())
    } else {
        Err(anyhow!("{problem}\n  Nothing was written."))
    }
}

/// Reads `table` a batch at a time and hands each batch to `each`.
async fn read_table(
    snapshot: &mut Snapshot,
    table: &TableSpec,
    columns: &[Option<&str>],
    progress: &mut Progress,
    mut each: impl AsyncFnMut(&[SourceRow]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut after = i64::MIN;
    loop {
        let rows = snapshot.batch(&table.name, columns, after, BATCH).await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.id;
        each(&rows).await?;
        progress.advance(rows.len() as u64);
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Users,
    Posts,
    Comments,
}

async fn write(
    writer: &mut Option<Writer>,
    kind: Kind,
    rows: Vec<Vec<Value>>,
) -> anyhow::Result<()> {
    match writer {
        Some(writer) if !rows.is_empty() => writer.write(kind, rows).await,
        _ => Ok(()),
    }
}

/// The target's transaction, and a checksum of every row written to each table, checked
/// against what the tables hold before anything is committed.
struct Writer {
    tx: WriteTx,
    tables: [(&'static Table, Vec<&'static Column>, Checksum); 3],
}

impl Writer {
    fn new(tx: WriteTx) -> Writer {
        let table = |name: &str, columns: &[&str]| {
            let table = transfer::CONTENT
                .iter()
                .find(|t| t.name == name)
                .expect("a content table");
            let columns = columns
                .iter()
                .map(|c| table.column(c).expect("a column of the table"))
                .collect();
            (table, columns, Checksum::default())
        };
        Writer {
            tx,
            tables: [
                table("users", plan::USER_COLUMNS),
                table("posts", plan::POST_COLUMNS),
                table("comments", plan::COMMENT_COLUMNS),
            ],
        }
    }

    async fn write(&mut self, kind: Kind, rows: Vec<Vec<Value>>) -> anyhow::Result<()> {
        let (table, columns, checksum) = &mut self.tables[kind as usize];
        rows.iter().for_each(|row| checksum.add(row));
        transfer::insert_rows(&mut self.tx, table, columns, &rows)
            .await
            .map_err(|e| anyhow!("writing {}: {e}\n  Nothing was written.", table.name))
    }

    /// Points the id sequences past the imported ids, checks every table against what was
    /// written, and commits.
    async fn finish(mut self) -> anyhow::Result<()> {
        let tables: Vec<&Table> = self.tables.iter().map(|(t, _, _)| *t).collect();
        transfer::reset_sequences(&mut self.tx, &tables)
            .await
            .map_err(|e| anyhow!("resetting id sequences: {e}"))?;
        let expected: Vec<Expected> = self
            .tables
            .iter()
            .map(|(t, c, sum)| (*t, c.clone(), sum.clone()))
            .collect();
        verify(&mut self.tx, &expected).await?;
        // Each imported post as it arrived is its first revision, to go back to after edits.
        db::revisions::record_missing(&mut self.tx)
            .await
            .map_err(|e| anyhow!("keeping the posts' first revisions: {e}"))?;
        self.tx
            .commit()
            .await
            .map_err(|e| anyhow!("committing the import: {e}"))
    }
}

/// A table of the source and the columns it has.
#[derive(Debug, Clone)]
struct TableSpec {
    name: String,
    columns: Vec<String>,
}

impl TableSpec {
    fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }

    /// `wanted` where the table has them; a column it lacks reads as NULL.
    fn select<'a>(&self, wanted: &[&'a str]) -> Vec<Option<&'a str>> {
        wanted.iter().map(|c| self.has(c).then_some(*c)).collect()
    }
}

/// Which of the Flask course's tables the source has (the final lesson's, or an earlier
/// one's), and what is missing, said once.
struct Schema {
    users: Option<TableSpec>,
    posts: TableSpec,
    comments: Option<TableSpec>,
    notes: Vec<Problem>,
}

impl Schema {
    async fn read(snapshot: &mut Snapshot) -> anyhow::Result<Schema> {
        let tables = snapshot.tables().await?;
        let find = |names: &[&str]| {
            names.iter().find_map(|name| {
                tables
                    .iter()
                    .find(|(t, _)| t == name)
                    .map(|(t, c)| TableSpec {
                        name: t.clone(),
                        columns: c.clone(),
                    })
            })
        };
        let Some(posts) = find(&["blog_posts", "blog_post"]) else {
            let found: Vec<&str> = tables.iter().map(|(t, _)| t.as_str()).collect();
            return Err(anyhow!(
                "this is not a Flask blog's database: it has no blog_posts table (its tables: {})",
                if found.is_empty() {
                    "none".to_owned()
                } else {
                    found.join(", ")
                }
            ));
        };
        let mut notes = Vec::new();
        let mut note = |table: &'static str, message: String| {
            notes.push(Problem::new(table, None, message));
        };
        require(&posts, &["id", "title", "body"])?;
        if !posts.has("author_id") && !posts.has("author") {
            return Err(anyhow!(
                "{} has neither author_id nor author: who wrote the posts?",
                posts.name
            ));
        }
        for (column, fallback) in [
            ("subtitle", "posts have no subtitle"),
            ("date", "posts are dated at the time of the import"),
            ("img_url", "posts have no cover image"),
        ] {
            if !posts.has(column) {
                note(
                    "posts",
                    format!("{} has no {column} column: {fallback}", posts.name),
                );
            }
        }
        let users = find(&["users", "user"]);
        match &users {
            Some(users) => require(users, &["id", "email", "password"])?,
            None => note(
                "users",
                "the database has no users table (an early lesson's blog): nobody is made an \
                 admin, and each author gets an account that cannot log in. The first person \
                 to register becomes the admin (or use `quire admin create`)"
                    .into(),
            ),
        }
        let comments = find(&["comments", "comment"]);
        match &comments {
            Some(comments) => require(comments, &["id", "text", "post_id"])?,
            None => note(
                "comments",
                "the database has no comments table (an early lesson's blog): no comments to import".into(),
            ),
        }
        Ok(Schema {
            users,
            posts,
            comments,
            notes,
        })
    }

    async fn count(&self, snapshot: &mut Snapshot) -> anyhow::Result<[u64; 3]> {
        let mut totals = [0u64; 3];
        for (i, table) in [
            self.users.as_ref(),
            Some(&self.posts),
            self.comments.as_ref(),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(table) = table {
                totals[i] = snapshot.count(&table.name).await?.max(0) as u64;
            }
        }
        Ok(totals)
    }
}

fn require(table: &TableSpec, columns: &[&str]) -> anyhow::Result<()> {
    let missing: Vec<&str> = columns.iter().copied().filter(|c| !table.has(c)).collect();
    match missing.as_slice() {
        [] => Ok(()),
        _ => Err(anyhow!(
            "{} has no {} column: this is not a table of the Flask blog Quire knows (its columns: {})",
            table.name,
            missing.join(", "),
            table.columns.join(", ")
        )),
    }
}

/// Refuses to import a database into itself (Quire and the Flask app could have been given
/// the same `DB_URI`).
fn refuse_same_database(location: &Location, config: &Config) -> anyhow::Result<()> {
    let target = &config.database.url;
    let same = match location {
        Location::Sqlite(path) => target
            .sqlite_path()
            .is_some_and(|t| std::fs::canonicalize(t).ok() == std::fs::canonicalize(path).ok()),
        Location::Postgres(url) => {
            let strip = |u: &str| u.split_once("://").map(|(_, rest)| rest.to_owned());
            strip(url) == strip(target.expose())
        }
    };
    match same {
        true => Err(anyhow!(
            "--from is the database Quire is configured to write to ({target}): import into a \
             new database (set DATABASE_URL) instead"
        )),
        false => Ok(()),
    }
}

struct Report {
    users: u64,
    made_up: u64,
    admins: Vec<String>,
    posts: u64,
    comments: u64,
    problems: Vec<Problem>,
    damaged: Vec<Problem>,
}

impl Report {
    fn render(&self, dry_run: bool) -> String {
        let mut out = String::new();
        if !self.damaged.is_empty() {
            let _ = writeln!(out, "Damaged rows (the import would stop at the first):");
            for problem in &self.damaged {
                let _ = writeln!(out, "  - {problem}");
            }
        }
        if !self.problems.is_empty() {
            let _ = writeln!(out, "Problems found, and what the import does about them:");
            for problem in &self.problems {
                let _ = writeln!(out, "  - {problem}");
            }
        }
        let _ = writeln!(
            out,
            "{}",
            if dry_run {
                "Dry run: nothing was written. The import would bring:"
            } else {
                "Imported:"
            }
        );
        let made_up = match self.made_up {
            0 => String::new(),
            n => format!(" (+{n} made for authors without an account)"),
        };
        let admins = match self.admins.as_slice() {
            [] => "0 (none: register first, or use `quire admin promote EMAIL`)".to_owned(),
            list => format!("{} ({})", list.len(), list.join(", ")),
        };
        let _ = writeln!(out, "     users: {}{made_up}", self.users);
        let _ = writeln!(out, "    admins: {admins}");
        let _ = writeln!(out, "     posts: {}", self.posts);
        let _ = writeln!(out, "  comments: {}", self.comments);
        let _ = writeln!(
            out,
            "  problems: {}",
            self.problems.len() + self.damaged.len()
        );
        if !dry_run && self.users > 0 {
            let _ = writeln!(
                out,
                "Readers log in with their Flask passwords; each is moved to Quire's hashing \
                 at its first login. Old /post/<id> addresses redirect to the posts."
            );
        }
        out
    }
}
