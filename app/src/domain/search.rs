//! Search queries and results. The query is reduced to plain words before it reaches either
//! database, so quotes, `*`, `OR`, `-` or parentheses are never query syntax: a reader typing
//! them gets results for the words, or a clear message — never an error.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a reader searched for: 1 to [`SearchQuery::MAX_TERMS`] lowercase words, each letters
/// and digits only. The last one also matches as a prefix ("typ" finds "typing").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<String>,
}

impl SearchQuery {
    pub const MAX_CHARS: usize = 200;
    pub const MAX_TERMS: usize = 8;

    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "Search for at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        let terms: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .take(Self::MAX_TERMS)
            .collect();
        if terms.is_empty() {
            return Err("Type a word to search for.".into());
        }
        Ok(SearchQuery { terms })
    }

    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// The query in SQLite FTS5 syntax: every word quoted (so none is an operator), all
    /// required, the last also as a prefix.
    pub fn to_fts5(&self) -> String {
        self.join(|t| format!("\"{t}\""), "*", " ")
    }

    /// The query in PostgreSQL `to_tsquery` syntax: all words required, the last also as a
    /// prefix. Words are letters and digits only, so nothing else is syntax.
    pub fn to_tsquery(&self) -> String {
        self.join(String::clone, ":*", " & ")
    }

    /// The terms, each written by `term`, the last followed by `prefix`, joined by `and`.
    fn join(&self, term: impl Fn(&String) -> String, prefix: &str, and: &str) -> String {
        let mut words: Vec<String> = self.terms.iter().map(term).collect();
        if let Some(last) = words.last_mut() {
            last.push_str(prefix);
        }
        words.join(and)
    }
}

/// One post found, with the words that matched marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub slug: String,
    /// The title, HTML-escaped, matches in `<mark>`.
    pub title_html: String,
    /// A piece of the body around the matches, HTML-escaped, matches in `<mark>`.
    pub snippet_html: String,
    pub author_name: String,
    pub published_at: DateTime<Utc>,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub page: u32,
    pub has_more: bool,
}

/// Where the databases mark a match: characters the domain never lets into posts (control
/// characters are refused), so they cannot come from the text itself.
pub const MATCH_START: char = '\u{2}';
pub const MATCH_END: char = '\u{3}';

/// Text with match markers as HTML: escaped, then the markers made `<mark>` elements.
pub fn marked_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut open = false;
    let mut rest = text;
    while let Some(at) = rest.find([MATCH_START, MATCH_END]) {
        html_escape::encode_double_quoted_attribute_to_string(&rest[..at], &mut out);
        // Both markers are one byte long.
        match rest.as_bytes()[at] as char {
            MATCH_START if !open => {
                out.push_str("<mark>");
                open = true;
            }
            MATCH_END if open => {
                out.push_str("</mark>");
                open = false;
            }
            _ => {}
        }
        rest = &rest[at + 1..];
    }
    html_escape::encode_double_quoted_attribute_to_string(rest, &mut out);
    if open {
        out.push_str("</mark>");
    }
    out
}

/// A value for a query string (`?q=…`): all but RFC 3986's unreserved characters
/// percent-encoded.
pub fn encode_query_value(text: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    const QUERY_VALUE: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_and_quotes_are_only_word_separators() {
        let q = SearchQuery::parse(r#"  "Rust" OR *async* -(tokio) "#).unwrap();
        assert_eq!(q.terms(), ["rust", "or", "async", "tokio"]);
        assert_eq!(q.to_fts5(), r#""rust" "or" "async" "tokio"*"#);
        assert_eq!(q.to_tsquery(), "rust & or & async & tokio:*");
    }

    #[test]
    fn nothing_to_search_for_is_a_message() {
        for raw in ["", "   ", "\"\"", "*", "-- ;", "()"] {
            assert_eq!(
                SearchQuery::parse(raw),
                Err("Type a word to search for.".to_owned()),
                "{raw:?}"
            );
        }
        assert!(SearchQuery::parse(&"a".repeat(201)).is_err());
    }

    #[test]
    fn letters_of_any_script_are_words_and_terms_are_capped() {
        let q = SearchQuery::parse("Café naïve 東京").unwrap();
        assert_eq!(q.terms(), ["café", "naïve", "東京"]);
        let many = SearchQuery::parse("a b c d e f g h i j").unwrap();
        assert_eq!(many.terms().len(), SearchQuery::MAX_TERMS);
    }

    #[test]
    fn marks_are_the_only_markup_in_results() {
        assert_eq!(
            marked_html("<b>\u{2}rust\u{3}</b> & \u{3}x\u{2}y"),
            "&lt;b&gt;<mark>rust</mark>&lt;/b&gt; &amp; x<mark>y</mark>"
        );
    }
}
