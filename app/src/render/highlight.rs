//! Code blocks with a known language are highlighted here, on the server: the tokens become
//! `<span class="hl-…">` (one class per scope part, e.g. `hl-keyword hl-control`), coloured by
//! the stylesheet in both themes. Readers download no highlighter.
//!
//! Memory: syntect's grammar set itself is small (~0.4 MiB once loaded); what costs is each
//! grammar's regexes, compiled the first time a block in that language (or in a language it
//! embeds) is highlighted, and kept for the life of the process. So only the languages in
//! [`KEPT`] are highlighted (others render plain), which bounds that memory, and the regexes
//! are Oniguruma's: measured per language, Rust's took 0.8 MiB with it against 6 MiB with
//! `fancy-regex`, and all 75 grammars 24 MiB against 307 MiB (2.4 s to compile).

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The grammars highlighted (syntect's names): what a blog's code blocks are usually in. A
/// fence names one by a file extension or the grammar's name (`rust`, `rs`, `py`, `sh`…); any
/// other language renders plain. The grammars these embed (JavaScript and CSS in HTML, fenced
/// code in Markdown) stay in the set and are used inside them as before.
pub const KEPT: [&str; 17] = [
    "Rust",
    "Python",
    "JavaScript",
    "HTML",
    "CSS",
    "Bourne Again Shell (bash)",
    "SQL",
    "JSON",
    "YAML",
    "C",
    "C++",
    "Go",
    "Java",
    "Ruby",
    "Diff",
    "Markdown",
    "XML",
];

/// Loads the grammar set now rather than on the first post with code: for start-up, off the
/// request path. The regexes are still compiled on first use (see the module's notes).
pub fn load() {
    LazyLock::force(&SYNTAXES);
}

/// The prefix of every class the highlighter writes; the sanitizer keeps only these.
pub const CLASS_PREFIX: &str = "hl-";

/// Longest code block highlighted; longer ones stay plain (highlighting is linear but not
/// cheap, and a post may hold 100,000 characters).
const MAX_CHARS: usize = 20_000;

/// `events` with fenced code blocks in a known language replaced by highlighted HTML.
pub fn code_blocks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = &event else {
            out.push(event);
            continue;
        };
        let language = info
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        let mut inner = Vec::new();
        for next in events.by_ref() {
            if matches!(next, Event::End(TagEnd::CodeBlock)) {
                break;
            }
            inner.push(next);
        }
        let code: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        match highlighted(&language, &code) {
            Some(html) => out.push(Event::Html(CowStr::from(html))),
            None => {
                out.push(event);
                out.extend(inner);
                out.push(Event::End(TagEnd::CodeBlock));
            }
        }
    }
    out
}

/// The block as `<pre><code>` with classed spans, or `None` for an unknown language (or an
/// over-long block), which then renders plain.
fn highlighted(language: &str, code: &str) -> Option<String> {
    if language.is_empty() || code.chars().count() > MAX_CHARS {
        return None;
    }
    let syntax = syntax(language)?;
    let mut html = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        &SYNTAXES,
        ClassStyle::SpacedPrefixed {
            prefix: CLASS_PREFIX,
        },
    );
    for line in LinesWithEndings::from(code) {
        html.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    // The language is the writer's text: only its letters and digits reach the attribute.
    let class: String = language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '#'))
        .collect();
    Some(format!(
        "<pre><code class=\"language-{class}\">{}</code></pre>\n",
        html.finalize()
    ))
}

/// The grammar for a fence's language, if it is one of [`KEPT`].
fn syntax(language: &str) -> Option<&'static SyntaxReference> {
    SYNTAXES
        .find_syntax_by_token(language)
        .filter(|syntax| KEPT.contains(&syntax.name.as_str()))
}
