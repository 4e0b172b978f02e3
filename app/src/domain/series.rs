//! Series: posts grouped in an order ("Part 2 of 5"), named in the editor.

use serde::{Deserialize, Serialize};

use super::{PostTitle, Slug};

/// The editor's "Series" and "Part" fields, parsed: which series, and where in it (`None`:
/// where the post is already, or after the last part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesChoice {
    pub title: String,
    pub slug: Slug,
    pub part: Option<i64>,
}

/// The most parts a series numbers.
pub const MAX_PART: i64 = 999;

/// `Ok(None)`: not in a series. Errors name their field (`series` or `part`).
pub fn parse_series(
    title: &str,
    part: &str,
) -> Result<Option<SeriesChoice>, (&'static str, String)> {
    let part = match part.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(n) if (1..=MAX_PART).contains(&n) => Some(n),
            _ => {
                return Err((
                    "part",
                    format!("Give the part as a number from 1 to {MAX_PART}."),
                ))
            }
        },
    };
    if title.trim().is_empty() {
        return match part {
            Some(_) => Err(("series", "Name the series this is a part of.".into())),
            None => Ok(None),
        };
    }
    let title = PostTitle::parse(title).map_err(|m| ("series", m))?;
    Ok(Some(SeriesChoice {
        slug: Slug::from_title(&title),
        title: title.as_str().to_owned(),
        part,
    }))
}

/// A part of a series, linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLink {
    pub slug: String,
    pub title: String,
}

/// Where a post stands in its series, for its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesNav {
    pub title: String,
    pub slug: String,
    /// Its number among the published parts (`None` while it is not out itself).
    pub part: Option<usize>,
    pub total: usize,
    pub previous: Option<PartLink>,
    pub next: Option<PartLink>,
}

impl SeriesNav {
    /// The post among `parts` (published, in order), or `None` there.
    pub fn of(title: String, slug: String, parts: Vec<PartLink>, post: &str) -> SeriesNav {
        let at = parts.iter().position(|p| p.slug == post);
        let neighbour = |offset: isize| {
            at.and_then(|i| i.checked_add_signed(offset))
                .and_then(|i| parts.get(i))
                .cloned()
        };
        SeriesNav {
            part: at.map(|i| i + 1),
            total: parts.len(),
            previous: neighbour(-1),
            next: neighbour(1),
            title,
            slug,
        }
    }
}

/// A series' page: its published parts in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPage {
    pub title: String,
    pub slug: String,
    pub parts: Vec<PartLink>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_is_named_and_its_part_is_a_number() {
        assert_eq!(parse_series("  ", ""), Ok(None));
        let choice = parse_series("Rust from scratch", "2").unwrap().unwrap();
        assert_eq!(
            (choice.slug.as_str(), choice.part),
            ("rust-from-scratch", Some(2))
        );
        assert_eq!(parse_series("Rust", "").unwrap().unwrap().part, None);
        assert_eq!(parse_series("", "2").unwrap_err().0, "series");
        for bad in ["0", "-1", "two", "1000"] {
            assert_eq!(parse_series("Rust", bad).unwrap_err().0, "part", "{bad}");
        }
        assert_eq!(parse_series(&"x".repeat(201), "").unwrap_err().0, "series");
    }

    #[test]
    fn a_part_knows_its_number_and_neighbours() {
        let link = |s: &str| PartLink {
            slug: s.into(),
            title: s.to_uppercase(),
        };
        let parts = vec![link("a"), link("b"), link("c")];
        let nav = SeriesNav::of("S".into(), "s".into(), parts.clone(), "b");
        assert_eq!((nav.part, nav.total), (Some(2), 3));
        assert_eq!(nav.previous, Some(link("a")));
        assert_eq!(nav.next, Some(link("c")));
        let first = SeriesNav::of("S".into(), "s".into(), parts.clone(), "a");
        assert_eq!((first.previous, first.next), (None, Some(link("b"))));
        let draft = SeriesNav::of("S".into(), "s".into(), parts, "d");
        assert_eq!((draft.part, draft.previous, draft.next), (None, None, None));
    }
}
