//! Ids for headings (`sec-…`) and footnotes (`fn-…`, `fnref-…`), set while rendering, so a
//! table of contents and footnote links work. The sanitizer keeps only ids with these
//! prefixes, so nothing a writer types can take an id the page itself uses.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

/// A heading of the post, for its table of contents.
pub struct Heading {
    pub level: HeadingLevel,
    pub id: String,
    pub text: String,
}

/// How many level-2/3 headings make a post long enough for a table of contents.
const TOC_MIN_HEADINGS: usize = 3;

/// `events` with ids on headings and footnotes, and the headings found.
pub fn with_ids<'a>(events: Vec<Event<'a>>) -> (Vec<Event<'a>>, Vec<Heading>) {
    let footnotes = number_footnotes(&events);
    let mut taken: HashMap<String, u32> = HashMap::new();
    let mut headings = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let text: String = events[i + 1..]
                    .iter()
                    .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let id = unique(&mut taken, &format!("sec-{}", slug(&text, "section")));
                headings.push(Heading {
                    level: *level,
                    id: id.clone(),
                    text,
                });
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::FootnoteReference(name) => {
                let (id, number) = &footnotes[name.as_ref()];
                out.push(Event::InlineHtml(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#fn-{id}\" id=\"fnref-{id}\">{number}</a></sup>"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let (id, number) = &footnotes[name.as_ref()];
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\"><a href=\"#fnref-{id}\">{number}</a></sup>"
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    (out, headings)
}

/// Each footnote name's id and number, numbered in order of first appearance.
fn number_footnotes(events: &[Event]) -> HashMap<String, (String, usize)> {
    let mut numbers: HashMap<String, (String, usize)> = HashMap::new();
    let mut taken = HashMap::new();
    for event in events {
        let name = match event {
            Event::FootnoteReference(name) | Event::Start(Tag::FootnoteDefinition(name)) => name,
            _ => continue,
        };
        if !numbers.contains_key(name.as_ref()) {
            let id = unique(&mut taken, &slug(name, "note"));
            let number = numbers.len() + 1;
            numbers.insert(name.to_string(), (id, number));
        }
    }
    numbers
}

/// `base`, or `base-2`, `base-3`… when taken.
fn unique(taken: &mut HashMap<String, u32>, base: &str) -> String {
    let seen = taken.entry(base.to_owned()).or_insert(0);
    *seen += 1;
    if *seen == 1 {
        base.to_owned()
    } else {
        format!("{base}-{seen}")
    }
}

/// Lowercase letters and digits joined by hyphens; `fallback` when there are none.
fn slug(text: &str, fallback: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let slug: String = words.join("-").chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        fallback.to_owned()
    } else {
        slug.to_owned()
    }
}

/// A table of contents for a post with enough section headings (levels 2 and 3); empty
/// otherwise. Heading text is escaped here; the sanitizer runs over it too.
pub fn table_of_contents(headings: &[Heading]) -> String {
    let sections: Vec<&Heading> = headings
        .iter()
        .filter(|h| matches!(h.level, HeadingLevel::H2 | HeadingLevel::H3))
        .collect();
    if sections.len() < TOC_MIN_HEADINGS {
        return String::new();
    }
    let mut html = String::from(
        "<nav class=\"toc\" aria-label=\"Contents\"><p class=\"toc-title\">Contents</p><ol>",
    );
    for h in sections {
        let class = if h.level == HeadingLevel::H3 {
            "toc-sub"
        } else {
            "toc-top"
        };
        html.push_str(&format!(
            "<li class=\"{class}\"><a href=\"#{}\">{}</a></li>",
            h.id,
            html_escape::encode_double_quoted_attribute(&h.text).into_owned()
        ));
    }
    html.push_str("</ol></nav>\n");
    html
}
