//! "What changed": two versions of a post's fields side by side, line by line for the body.
//! Shown when a save is refused because someone saved the post since (and, later, between
//! revisions). Rendered on the server: the diff crate is not part of the browser's client.

use leptos::prelude::*;

/// How a line of a difference reads.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))] // lines are made on the server only
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Both,
    /// Only in the saved version.
    Theirs,
    /// Only in what was typed.
    Yours,
    /// Unchanged lines left out.
    Gap,
}

/// The body's lines that differ, with two lines of context around each change.
#[cfg(feature = "ssr")]
pub fn line_changes(theirs: &str, yours: &str) -> Vec<(Side, String)> {
    use similar::{ChangeTag, TextDiff};
    // A browser sends a textarea's line ends as CRLF: not a change anyone made.
    let (theirs, yours) = (theirs.replace("\r\n", "\n"), yours.replace("\r\n", "\n"));
    let diff = TextDiff::from_lines(&theirs, &yours);
    let mut lines = Vec::new();
    for (i, group) in diff.grouped_ops(2).iter().enumerate() {
        if i > 0 || group.first().is_some_and(|op| op.old_range().start > 0) {
            lines.push((Side::Gap, String::new()));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let side = match change.tag() {
                    ChangeTag::Equal => Side::Both,
                    ChangeTag::Delete => Side::Theirs,
                    ChangeTag::Insert => Side::Yours,
                };
                let text = change.value().trim_end_matches('\n').to_owned();
                lines.push((side, text));
            }
        }
    }
    lines
}

/// The fields of one version and another; only those that differ are shown.
#[derive(Debug, Clone, Default)]
pub struct Versions {
    /// What the older and the newer version are called: ("the saved version", "yours").
    pub names: (String, String),
    /// (label, theirs, yours) of each one-line field: title, subtitle, cover, tags.
    pub fields: Vec<(&'static str, String, String)>,
    pub body: (String, String),
}

/// The difference between one version (the saved one, a revision) and another (the typed
/// one, the current one).
#[component]
pub fn Difference(versions: Versions) -> impl IntoView {
    let (old, new) = versions.names.clone();
    let hint = format!(
        "Body: lines only in {old} are struck through (−), lines only in {new} are marked (+)."
    );
    let (old_label, new_label) = (
        format!("{}: ", capitalized(&old)),
        format!("{}: ", capitalized(&new)),
    );
    let fields: Vec<_> = versions
        .fields
        .into_iter()
        .filter(|(_, theirs, yours)| theirs.trim() != yours.trim())
        .collect();
    #[cfg(feature = "ssr")]
    let lines = line_changes(&versions.body.0, &versions.body.1);
    #[cfg(not(feature = "ssr"))]
    let lines: Vec<(Side, String)> = {
        let _ = versions.body;
        Vec::new()
    };
    let same_body = lines.iter().all(|(side, _)| *side == Side::Both);
    view! {
        <div class="difference">
            {(!fields.is_empty()).then(|| view! {
                <dl class="changed-fields">
                    {fields.into_iter().map(|(label, theirs, yours)| {
                        let (theirs, yours) = (shown(theirs), shown(yours));
                        view! {
                        <dt>{label}</dt>
                        <dd><del><span class="visually-hidden">{old_label.clone()}</span>{theirs}</del></dd>
                        <dd><ins><span class="visually-hidden">{new_label.clone()}</span>{yours}</ins></dd>
                    }}).collect_view()}
                </dl>
            })}
            {if same_body {
                view! { <p class="hint">"The body is the same in both."</p> }.into_any()
            } else {
                view! {
                    <p class="hint">{hint}</p>
                    <pre class="diff" aria-label="Body, line by line">
                        {lines.into_iter().map(|(side, text)| match side {
                            Side::Both => view! { <span class="same">"  "{text}"\n"</span> }.into_any(),
                            Side::Theirs => view! { <del>"− "{text}"\n"</del> }.into_any(),
                            Side::Yours => view! { <ins>"+ "{text}"\n"</ins> }.into_any(),
                            Side::Gap => view! { <span class="gap">"  …\n"</span> }.into_any(),
                        }).collect_view()}
                    </pre>
                }.into_any()
            }}
        </div>
    }
}

/// A one-line field's value, or "(none)" for an empty one (a struck-out nothing reads as
/// nothing).
fn shown(value: String) -> AnyView {
    if value.trim().is_empty() {
        view! { <em>"(none)"</em> }.into_any()
    } else {
        value.into_any()
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_come_with_two_lines_around_them() {
        let theirs = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";
        let yours = "one\ntwo\nthree\nfour\nFIVE\nsix\nseven\n";
        let lines = line_changes(theirs, yours);
        assert_eq!(
            lines,
            vec![
                (Side::Gap, String::new()),
                (Side::Both, "three".into()),
                (Side::Both, "four".into()),
                (Side::Theirs, "five".into()),
                (Side::Yours, "FIVE".into()),
                (Side::Both, "six".into()),
                (Side::Both, "seven".into()),
            ]
        );
    }

    #[test]
    fn line_ends_alone_are_no_change() {
        assert!(line_changes("a\nb", "a\r\nb").is_empty());
        let added = line_changes("a", "a\nb");
        assert!(added.contains(&(Side::Yours, "b".into())), "{added:?}");
    }
}
