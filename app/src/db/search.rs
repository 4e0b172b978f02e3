//! Full-text search over published posts: SQLite FTS5 and PostgreSQL tsvector behind one
//! function. The SQL truly differs per backend (the migrations 0005 say how each indexes);
//! both rank title matches above subtitle above body, mark matches with
//! [`MATCH_START`]/[`MATCH_END`], and see only posts published by `at`.

use chrono::{DateTime, Utc};

use super::Db;
use crate::domain::{BodyFormat, SearchQuery, MATCH_END, MATCH_START};

#[derive(Debug, sqlx::FromRow)]
pub struct Found {
    pub slug: String,
    /// The title with matches marked.
    pub title: String,
    /// A piece of the body around the matches, marked: text only, also for HTML bodies.
    pub snippet: String,
    #[sqlx(try_from = "String")]
    body_format: BodyFormat,
    pub author_name: String,
    pub published_at: DateTime<Utc>,
}

const SQLITE: &str = "
    SELECT p.slug,
           highlight(posts_fts, 0, $5, $6) AS title,
           snippet(posts_fts, 2, $5, $6, '…', 24) AS snippet,
           p.body_format,
           u.name AS author_name,
           p.published_at
    FROM posts_fts
    JOIN posts p ON p.id = posts_fts.rowid
    JOIN users u ON u.id = p.author_id
    WHERE posts_fts MATCH $1 AND p.published_at IS NOT NULL AND p.published_at <= $2
    ORDER BY bm25(posts_fts, 10.0, 4.0, 1.0), p.published_at DESC, p.id DESC
    LIMIT $3 OFFSET $4";

const POSTGRES: &str = "
    SELECT p.slug,
           ts_headline('english', p.title, q, 'HighlightAll=true, ' || $5) AS title,
           ts_headline('english', p.body, q,
                       'MaxFragments=1, MaxWords=35, MinWords=15, ' || $5) AS snippet,
           p.body_format,
           u.name AS author_name,
           p.published_at
    FROM posts p
    JOIN users u ON u.id = p.author_id
    CROSS JOIN to_tsquery('english', $1) AS q
    WHERE p.search @@ q AND p.published_at IS NOT NULL AND p.published_at <= $2
    ORDER BY ts_rank(p.search, q) DESC, p.published_at DESC, p.id DESC
    LIMIT $3 OFFSET $4";

/// Up to `limit` posts published by `at` that contain every word of `query`, best first,
/// after skipping `offset`.
pub async fn posts(
    db: &Db,
    query: &SearchQuery,
    at: DateTime<Utc>,
    limit: u32,
    offset: i64,
) -> Result<Vec<Found>, sqlx::Error> {
    let (start, end) = (MATCH_START.to_string(), MATCH_END.to_string());
    let mut found: Vec<Found> = match db {
        Db::Sqlite(pool) => {
            sqlx::query_as(SQLITE)
                .bind(query.to_fts5())
                .bind(at)
                .bind(i64::from(limit))
                .bind(offset)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_as(POSTGRES)
                .bind(query.to_tsquery())
                .bind(at)
                .bind(i64::from(limit))
                .bind(offset)
                .bind(format!("StartSel={start}, StopSel={end}"))
                .fetch_all(pool)
                .await?
        }
    };
    for hit in found
        .iter_mut()
        .filter(|f| f.body_format == BodyFormat::Html)
    {
        hit.snippet = text_of_html(&hit.snippet);
    }
    Ok(found)
}

/// The text of a piece cut out of an HTML body: tags dropped (also the halves of tags cut at
/// either end) and entities decoded, so a snippet shows words, not markup.
fn text_of_html(piece: &str) -> String {
    let mut text = String::with_capacity(piece.len());
    let mut rest = piece;
    // A tag cut in two at the start: its end comes before any tag opens.
    if let Some(close) = rest.find('>') {
        if !rest[..close].contains('<') {
            rest = &rest[close + 1..];
        }
    }
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => {
                text.push(' ');
                rest = &rest[open + close + 1..];
            }
            // A tag cut in two at the end.
            None => rest = "",
        }
    }
    text.push_str(rest);
    let decoded = html_escape::decode_html_entities(&text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_snippets_keep_only_their_words() {
        let marked = "ong>cactus</strong> \u{2}prickly\u{3}&nbsp;pear</p>\r\n<p>Caf&eacute; <em";
        assert_eq!(
            super::text_of_html(marked),
            // A no-break space counts as a space between words.
            "cactus \u{2}prickly\u{3} pear Café"
        );
        assert_eq!(super::text_of_html("plain words"), "plain words");
    }
}
