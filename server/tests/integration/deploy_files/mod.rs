//! The deployment files, read as text: CI has no Docker engine and no Render account. These
//! tests hold the project's own facts; hadolint (scripts/test.sh) checks the Dockerfile's
//! general hygiene, and `scripts/check-deploy.sh` runs the release folder as the image does.
//!
//! Each check returns what is wrong rather than asserting, so that a test can feed it a broken
//! copy of the file and see it complain: a check that cannot fail proves nothing.

mod dockerfile;
mod docs;
mod render;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_path(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

#[track_caller]
fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}:\n  - {}",
        problems.join("\n  - ")
    );
}

/// `text` with `from` replaced. `from` must be there, or the test would pass on an
/// unchanged file.
#[track_caller]
fn broken(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "no longer in the file: {from:?}; update this test"
    );
    text.replacen(from, to, 1)
}

#[track_caller]
fn assert_reports(problems: &[String], expected: &str) {
    assert!(
        problems.iter().any(|p| p.contains(expected)),
        "expected a problem mentioning {expected:?}, got {problems:#?}"
    );
}

/// A variable whose value must never be committed: it holds a password or a key.
fn looks_secret(name: &str) -> bool {
    ["DATABASE_URL", "DB_URI", "SMTP_URL"].contains(&name)
        || ["PASSWORD", "SECRET", "TOKEN", "KEY"]
            .iter()
            .any(|word| name.contains(word))
}

fn quire_reads() -> BTreeSet<String> {
    quire::startup::config::variable_names()
        .into_iter()
        .collect()
}

/// The `NAME=` lines of `.env.example`, commented-out examples left aside.
fn env_example_variables(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split_once('=').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

fn env_example_problems(text: &str, reads: &BTreeSet<String>) -> Vec<String> {
    let listed: BTreeSet<String> = env_example_variables(text).into_iter().collect();
    let extra = listed
        .difference(reads)
        .map(|v| format!("{v} is in .env.example, but Quire does not read it"));
    let missing = reads
        .difference(&listed)
        .map(|v| format!("Quire reads {v}, but .env.example does not list it"));
    extra.chain(missing).collect()
}

#[test]
fn env_example_lists_exactly_the_variables_quire_reads() {
    let problems = env_example_problems(&read(".env.example"), &quire_reads());
    assert_no_problems(".env.example", &problems);
}

#[test]
fn an_env_example_out_of_step_with_quire_is_refused() {
    let text = read(".env.example");
    let reads = quire_reads();
    let renamed = broken(&text, "\nQUIRE_PAGE_SIZE=", "\nQUIRE_PAGES=");
    let problems = env_example_problems(&renamed, &reads);
    assert_reports(&problems, "QUIRE_PAGES is in .env.example");
    assert_reports(&problems, "Quire reads QUIRE_PAGE_SIZE");
}
