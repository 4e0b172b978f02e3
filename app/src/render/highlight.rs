//! Code blocks with a known language are highlighted here, on the server: the tokens become
//! `<span class="hl-…">` (one class per scope part, e.g. `hl-keyword hl-control`), coloured by
//! the stylesheet in both themes. Readers download no highlighter.

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

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
    let syntax = SYNTAXES.find_syntax_by_token(language)?;
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
