//! The docs a deploy follows: docs/deploy.md names every variable of the Blueprint,
//! docs/configuration.md (or deploy.md) every one of .env.example, and the README's and docs'
//! relative links and anchors resolve, as GitHub renders them.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{assert_no_problems, env_example_variables, read, render, repo_path};

/// `var` appears in `text` as a whole name, not inside a longer one.
fn names(text: &str, var: &str) -> bool {
    let is_name = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    text.match_indices(var).any(|(at, _)| {
        !is_name(text[..at].chars().next_back()) && !is_name(text[at + var.len()..].chars().next())
    })
}

fn unnamed<'a>(vars: &'a [String], docs: &[&str]) -> Vec<&'a str> {
    vars.iter()
        .filter(|var| !docs.iter().any(|doc| names(doc, var)))
        .map(String::as_str)
        .collect()
}

/// A heading's anchor as GitHub makes it from the rendered text: lowercased, punctuation
/// dropped, each space a hyphen.
fn slug(heading: &str) -> String {
    let heading = heading.trim().to_lowercase();
    let kept = heading
        .chars()
        .filter(|c| c.is_alphanumeric() || " -_".contains(*c));
    kept.map(|c| if c == ' ' { '-' } else { c }).collect()
}

/// (line, destination) of every link and image of a Markdown text, and its headings' anchors
/// (`-1`, `-2`, … after a repeated one).
fn links_and_anchors(text: &str) -> (Vec<(usize, String)>, BTreeSet<String>) {
    let (mut links, mut anchors) = (Vec::new(), BTreeSet::new());
    let mut repeats: BTreeMap<String, usize> = BTreeMap::new();
    let mut heading: Option<String> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let line = text[..range.start].matches('\n').count() + 1;
                links.push((line, dest_url.into_string()));
            }
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => heading.iter_mut().for_each(|h| h.push_str(&t)),
            Event::End(TagEnd::Heading(_)) => {
                let base = slug(&heading.take().unwrap_or_default());
                let seen = repeats.entry(base.clone()).or_default();
                anchors.insert(match *seen {
                    0 => base,
                    n => format!("{base}-{n}"),
                });
                *seen += 1;
            }
            _ => {}
        }
    }
    (links, anchors)
}

/// `relative` from the file `from` (both from the repository's root), or None outside it.
fn resolve(from: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The relative links of `files` (path from the repository's root, text) that do not resolve.
/// `lookup` gives the Markdown text at a repository path ("" for folders and other files), or
/// None when nothing is there.
fn link_problems(
    files: &[(String, String)],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files {
        for (line, target) in links_and_anchors(text).0 {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let resolved = match file {
                "" => Some(path.clone()),
                file => resolve(path, file),
            };
            let Some(resolved) = resolved else {
                problems.push(format!(
                    "{path}:{line}: {target} points outside the repository"
                ));
                continue;
            };
            let Some(content) = lookup(&resolved) else {
                problems.push(format!("{path}:{line}: {target}: there is no {resolved}"));
                continue;
            };
            let anchors = links_and_anchors(&content).1;
            if !anchor.is_empty() && resolved.ends_with(".md") && !anchors.contains(anchor) {
                problems.push(format!(
                    "{path}:{line}: {target}: {resolved} has no heading #{anchor}"
                ));
            }
        }
    }
    problems
}

fn repo_lookup(relative: &str) -> Option<String> {
    let path = repo_path(relative);
    match (path.exists(), path.is_file() && relative.ends_with(".md")) {
        (false, _) => None,
        (true, true) => std::fs::read_to_string(path).ok(),
        (true, false) => Some(String::new()),
    }
}

/// README.md and docs/*.md, as (path from the repository's root, text).
fn markdown_files() -> Vec<(String, String)> {
    let docs = std::fs::read_dir(repo_path("docs")).expect("docs/");
    let mut paths: Vec<String> = docs
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    paths.sort();
    paths.insert(0, "README.md".to_owned());
    paths.into_iter().map(|p| (p.clone(), read(&p))).collect()
}

#[test]
fn deploy_doc_names_every_variable_of_render_yaml() {
    let vars = render::variables(&read("render.yaml"));
    let missing = unnamed(&vars, &[&read("docs/deploy.md")]);
    assert!(
        missing.is_empty(),
        "docs/deploy.md does not name {missing:?} of render.yaml"
    );
}

#[test]
fn docs_name_every_variable_of_env_example() {
    let (deploy, configuration) = (read("docs/deploy.md"), read("docs/configuration.md"));
    let vars = env_example_variables(&read(".env.example"));
    let missing = unnamed(&vars, &[&deploy, &configuration]);
    assert!(
        missing.is_empty(),
        "neither docs/deploy.md nor docs/configuration.md names {missing:?} of .env.example"
    );
}

#[test]
fn relative_links_of_readme_and_docs_resolve() {
    assert_no_problems(
        "broken links",
        &link_problems(&markdown_files(), &repo_lookup),
    );
}

#[test]
fn unnamed_variables_and_broken_links_are_reported() {
    let vars = ["QUIRE_PAGE_SIZE".to_owned(), "PORT".to_owned()];
    assert_eq!(
        unnamed(&vars, &["`QUIRE_PAGE_SIZE_MAX`, PORTS"]),
        ["QUIRE_PAGE_SIZE", "PORT"]
    );
    assert!(unnamed(&vars, &["`QUIRE_PAGE_SIZE`", "set PORT."]).is_empty());

    let readme =
        "# Quire\n## The `quire` binary\n[a](#the-quire-binary) [b](docs/deploy.md#on-render-1)\n\
                  [c](docs/gone.md) `[d](#code-span)` ![e](#nowhere)\n\n```\n[f](#fenced)\n```\n\
                  [g](https://example.com/#x) [h](../outside.md)\n";
    let files = vec![
        ("README.md".to_owned(), readme.to_owned()),
        (
            "docs/deploy.md".to_owned(),
            "# Deploy\n## On Render\n## On Render\n[up](..)\n".to_owned(),
        ),
    ];
    let lookup = |path: &str| match path {
        "" => Some(String::new()),
        path => files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, text)| text.clone()),
    };
    assert_eq!(
        link_problems(&files, &lookup),
        [
            "README.md:4: docs/gone.md: there is no docs/gone.md",
            "README.md:4: #nowhere: README.md has no heading #nowhere",
            "README.md:9: ../outside.md points outside the repository",
        ]
    );
    assert_eq!(
        slug("sqlite · small (50 posts) — in 0.1 s"),
        "sqlite--small-50-posts--in-01-s"
    );
}
