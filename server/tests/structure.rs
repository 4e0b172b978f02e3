//! The architecture, checked: `cargo test -p quire --test structure`.
//!
//! Reads the `crate::` and `super::` paths of every source file of the `app` and `quire`
//! crates and asserts that modules never depend on each other in a circle, that the layers
//! point one way (commands and http → startup → app; pages → api → service → db → domain),
//! and that server functions stay thin. `cargo modules` would draw the same graph, but it is
//! one more tool to install; the `use` lines are enough to answer these questions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path inside one crate, e.g. `["http", "middleware", "csrf"]`.
type ModPath = Vec<String>;

/// Edges between sibling modules: `a → b` when a file inside `a` names something inside `b`.
type Graph = BTreeMap<ModPath, BTreeSet<ModPath>>;

#[test]
fn no_module_depends_on_itself_through_others() {
    for krate in ["app/src", "server/src"] {
        let graph = dependencies(&sources(krate));
        let circles = circles(&graph);
        assert!(
            circles.is_empty(),
            "{krate}: modules that depend on each other in a circle: {}",
            circles
                .iter()
                .map(|c| show(c))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
}

#[test]
fn the_layers_point_one_way() {
    let server = dependencies(&sources("server/src"));
    let app = dependencies(&sources("app/src"));
    let mut wrong = Vec::new();
    // (crate, module, what it must never use)
    let rules: [(&str, &Graph, &str, &[&str]); 6] = [
        ("server", &server, "startup", &["http", "commands"]),
        ("server", &server, "http", &["commands"]),
        (
            "app",
            &app,
            "domain",
            &["db", "service", "api", "pages", "components", "auth"],
        ),
        (
            "app",
            &app,
            "db",
            &["service", "api", "pages", "components", "auth"],
        ),
        ("app", &app, "service", &["api", "pages", "components"]),
        ("app", &app, "api", &["pages", "components"]),
    ];
    for (krate, graph, module, never) in rules {
        let uses = graph
            .get(&vec![module.to_string()])
            .cloned()
            .unwrap_or_default();
        for used in uses.iter().filter(|u| never.contains(&u[0].as_str())) {
            wrong.push(format!("{krate}: {module} uses {}", used.join("::")));
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against the layering: {wrong:?}"
    );
}

/// A server function is session → service → response; its rules live in `service/`.
#[test]
fn server_functions_are_thin() {
    const MOST_LINES: usize = 25;
    let mut long = Vec::new();
    let mut seen = 0;
    for (module, text) in sources("app/src")
        .iter()
        .filter(|(m, _)| m.first().is_some_and(|m| m == "api"))
    {
        for (name, lines) in server_fns(text) {
            seen += 1;
            if lines > MOST_LINES {
                long.push(format!("{}::{name} has {lines} lines", module.join("::")));
            }
        }
    }
    assert!(
        seen >= 20,
        "found only {seen} server functions: is the reader still right?"
    );
    assert!(
        long.is_empty(),
        "server functions over {MOST_LINES} lines of body: {long:?}"
    );
}

// ---------------------------------------------------------------------------- the reader

/// Every `.rs` file under `dir` (relative to the workspace) by module path, with its text.
fn sources(dir: &str) -> BTreeMap<ModPath, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        .filter_map(|file| {
            let module = module_path(file.strip_prefix(&root).ok()?);
            Some((module, std::fs::read_to_string(&file).ok()?))
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// `http/middleware/mod.rs` → `[http, middleware]`; `lib.rs` and `main.rs` → `[]`.
fn module_path(relative: &Path) -> ModPath {
    let mut parts: ModPath = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The sibling-level graph of one crate: for each file, each path it names is resolved to
/// the deepest existing module, and the edge is drawn between the two modules' ancestors
/// that are siblings (so `http::feeds` using `startup::config` is `http → startup`).
fn dependencies(sources: &BTreeMap<ModPath, String>) -> Graph {
    let modules: BTreeSet<&ModPath> = sources.keys().collect();
    let mut graph = Graph::new();
    for (module, text) in sources {
        for path in named_paths(module, before_unit_tests(text)) {
            let Some(target) = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains(p))
            else {
                continue;
            };
            let common = module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            if common < module.len() && common < target.len() {
                graph
                    .entry(module[..=common].to_vec())
                    .or_default()
                    .insert(target[..=common].to_vec());
            }
        }
    }
    graph
}

/// A file's text up to its inline unit-test module: a test module's `super` means
/// something else, and tests are not architecture.
fn before_unit_tests(text: &str) -> &str {
    let inline_test_module = text.match_indices("#[cfg(test)]").find(|(at, attr)| {
        let after = text[at + attr.len()..].trim_start();
        after.starts_with("mod ")
            && after
                .lines()
                .next()
                .is_some_and(|l| l.trim_end().ends_with('{'))
    });
    match inline_test_module {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// The absolute module paths a file names through `crate::…` or `super::…`, with
/// `use` groups (`crate::db::{posts, users}`) expanded one level.
fn named_paths(module: &ModPath, text: &str) -> Vec<ModPath> {
    let text = strip_comments(text);
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (at, _) in text
        .match_indices("crate::")
        .chain(text.match_indices("super::"))
    {
        if at > 0
            && (bytes[at - 1].is_ascii_alphanumeric()
                || bytes[at - 1] == b'_'
                || b":$".contains(&bytes[at - 1]))
        {
            continue;
        }
        let (mut base, rest) = if text[at..].starts_with("crate::") {
            (Vec::new(), &text[at..])
        } else {
            (module.clone(), &text[at..])
        };
        let mut rest = rest;
        // A `mod.rs` file's module is its folder, so `super` always steps up from `module`.
        loop {
            if let Some(r) = rest.strip_prefix("crate::") {
                rest = r;
            } else if let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            } else {
                break;
            }
        }
        let (named, rest) = segments(rest);
        base.extend(named);
        match rest.strip_prefix('{') {
            Some(group) => {
                for item in group_items(group) {
                    let (inner, _) = segments(item.trim_start());
                    let mut path = base.clone();
                    path.extend(inner.into_iter().filter(|s| s != "self"));
                    found.push(path);
                }
            }
            None => found.push(base),
        }
    }
    found
}

/// Leading `ident::ident::…` segments and what follows them.
fn segments(text: &str) -> (Vec<String>, &str) {
    let mut parts = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            return (parts, rest);
        }
        parts.push(rest[..end].to_string());
        match rest[end..].strip_prefix("::") {
            Some(r) => rest = r,
            None => return (parts, &rest[end..]),
        }
    }
}

/// The top-level items of a `{…}` group (the text after its `{`).
fn group_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each `#[server]` function of a file with the number of lines of its body.
fn server_fns(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with("#[server") {
            continue;
        }
        let Some(sig) = (i..lines.len()).find(|&j| lines[j].contains("fn ")) else {
            continue;
        };
        let name = lines[sig]
            .split("fn ")
            .nth(1)
            .and_then(|s| s.split(['(', '<']).next())
            .unwrap_or("?")
            .to_string();
        let Some(open) = (sig..lines.len()).find(|&j| lines[j].trim_end().ends_with('{')) else {
            continue;
        };
        let Some(close) = closing_line(&lines, open) else {
            continue;
        };
        found.push((name, close - open - 1));
    }
    found
}

/// The line holding the brace that closes the block opened at the end of line `open`,
/// skipping braces inside string and character literals.
fn closing_line(lines: &[&str], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (j, line) in lines.iter().enumerate().skip(open) {
        let mut chars = line.chars().peekable();
        let mut in_string = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                '\'' if !in_string && chars.peek().is_some_and(|n| *n == '{' || *n == '}') => {
                    chars.next();
                }
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                '{' if !in_string => depth += 1,
                '}' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// Every group of modules that reach each other (Tarjan's strongly connected components,
/// keeping the ones with more than one module).
fn circles(graph: &Graph) -> Vec<Vec<ModPath>> {
    struct Walk<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g ModPath, usize>,
        low: BTreeMap<&'g ModPath, usize>,
        stack: Vec<&'g ModPath>,
        found: Vec<Vec<ModPath>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g ModPath) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let at = self.stack.iter().rposition(|m| *m == v).unwrap_or(0);
                let group: Vec<ModPath> = self.stack.drain(at..).cloned().collect();
                if group.len() > 1 {
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}

fn show(modules: &[impl AsRef<[String]>]) -> String {
    modules
        .iter()
        .map(|m| m.as_ref().join("::"))
        .collect::<Vec<_>>()
        .join(" ↔ ")
}

// -------------------------------------------------------------- the reader's own tests

fn crate_of(files: &[(&str, &str)]) -> BTreeMap<ModPath, String> {
    files
        .iter()
        .map(|(path, text)| (module_path(Path::new(path)), text.to_string()))
        .collect()
}

#[test]
fn the_reader_finds_a_circle_through_a_use_group() {
    let sources = crate_of(&[
        ("lib.rs", "mod a; mod b;"),
        ("a/mod.rs", "use crate::{b::thing, a::x};"),
        ("a/x.rs", ""),
        ("b.rs", "fn f() { super::a::x::g() }"),
    ]);
    let graph = dependencies(&sources);
    let expected = vec![vec!["a".to_string()], vec!["b".to_string()]];
    let mut found = circles(&graph);
    found.iter_mut().for_each(|c| c.sort());
    assert_eq!(found, vec![expected]);
}

#[test]
fn the_reader_sees_siblings_inside_a_module_and_ignores_comments_and_tests() {
    let sources = crate_of(&[
        ("http/mod.rs", "mod feeds; mod etag;"),
        (
            "http/feeds.rs",
            "use super::etag;\n// crate::commands is only mentioned",
        ),
        (
            "http/etag.rs",
            "#[cfg(test)]\nmod tests {\n    use crate::http::feeds;\n}",
        ),
        ("commands.rs", ""),
    ]);
    let graph = dependencies(&sources);
    let http = |m: &str| vec!["http".to_string(), m.to_string()];
    assert_eq!(
        graph.get(&http("feeds")),
        Some(&BTreeSet::from([http("etag")]))
    );
    assert!(!graph.contains_key(&http("etag")), "{graph:?}");
    assert!(!graph.contains_key(&vec!["http".to_string()]), "{graph:?}");
}

#[test]
fn the_reader_counts_a_server_function_body() {
    let text = "#[server]\npub async fn hello(\n    name: String,\n) -> Result<(), E> {\n    let x = \"}\";\n    if true {\n        f('{');\n    }\n    Ok(())\n}\n";
    assert_eq!(server_fns(text), vec![("hello".to_string(), 5)]);
}
