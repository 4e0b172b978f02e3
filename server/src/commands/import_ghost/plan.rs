//! A Ghost export made into an import plan. Bodies are Ghost's rendered `html`: its Lexical
//! and mobiledoc documents are Ghost's own editors' formats, which Ghost itself turns into
//! that HTML; a post exported without it is named, not guessed at.

use std::collections::HashMap;

use app::domain::{parse_cover_url, BodyFormat, OldAddress, Tag};

use super::export::{Data, Post};
use crate::commands::importing::{
    is_quire_page, parse_date, subtitle, unknown_admin, Images, Notes, Person, Plan, PlannedPost,
    Settings, Taken,
};

/// What Ghost writes in place of its own address (`__GHOST_URL__/content/images/a.jpg`).
const GHOST_URL: &str = "__GHOST_URL__";

pub fn plan(data: &Data, settings: &Settings) -> (Plan, Notes) {
    let mut plan = Plan::default();
    let mut notes = Notes::default();
    let mut taken = Taken::default();
    for user in &data.users {
        let person = Person::author(&user.name, "Ghost author", &user.email, settings.admin);
        plan.people.insert(author_key(&user.id), person);
    }
    let emails = data.users.iter().map(|u| u.email.as_str());
    plan.problems.extend(unknown_admin(settings.admin, emails));
    let tags: HashMap<&str, &super::export::Tag> =
        data.tags.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut images = Images::new(
        settings.images,
        vec![
            format!("{GHOST_URL}/content/images/"),
            "/content/images/".into(),
        ],
    );
    let mut without_html = Vec::new();

    for post in &data.posts {
        let label = format!("{} {:?}", post.kind, post.title);
        let Some(html) = post.html.as_deref().filter(|h| !h.trim().is_empty()) else {
            without_html.push(post.title.clone());
            continue;
        };
        let mut change = |why: String| notes.changes.push(format!("{label}: {why}"));
        if post.kind == "page" {
            notes.pages += 1;
        }
        let published_at = match post.status.as_str() {
            "published" | "scheduled" => match post.published_at.as_deref().and_then(parse_date) {
                Some(at) => Some(at),
                None => {
                    change("it has no publication date: imported as a draft".into());
                    None
                }
            },
            "draft" => None,
            other => {
                change(format!(
                    "its status on Ghost is {other:?}: imported as a draft"
                ));
                None
            }
        };
        let members_only = !matches!(post.visibility.as_str(), "" | "public");
        let published_at = if members_only && published_at.is_some() {
            change(format!(
                "it was for {} only on Ghost: imported as a draft, not made public",
                post.visibility
            ));
            None
        } else {
            published_at
        };
        let (title, why) = taken.title(&post.title, "Untitled post");
        if let Some(why) = why {
            change(why);
        }
        let (slug, why) = taken.slug(&post.slug, &title);
        if let Some(why) = why {
            change(why);
        }
        let mut authors: Vec<_> = data
            .posts_authors
            .iter()
            .filter(|a| a.post_id == post.id)
            .collect();
        authors.sort_by_key(|a| a.sort_order);
        let author = match (authors.first(), &post.author_id) {
            (Some(first), _) => author_key(&first.author_id),
            (None, Some(id)) => author_key(id),
            (None, None) => "Ghost author".to_owned(),
        };
        if authors.len() > 1 {
            let others: Vec<String> = authors[1..]
                .iter()
                .filter_map(|a| plan.people.get(&author_key(&a.author_id)))
                .map(|p| p.name.clone())
                .collect();
            change(format!(
                "Quire has one author per post: {} is not credited",
                others.join(", ")
            ));
        }
        let mut body = html.replace(&format!("{GHOST_URL}/"), "/");
        if images.fetching() {
            body = images.rewrite_body(html, &author, &mut plan, &label);
            body = body.replace(&format!("{GHOST_URL}/"), "/");
        } else if body.contains("/content/images/") {
            change(
                "its images stay on the old site's /content/images/ (use --fetch-images)".into(),
            );
        }
        let cover = post.feature_image.as_deref().filter(|c| !c.is_empty()).and_then(|url| {
            if images.fetching() {
                if let Some(path) = images.store(url, &author, &mut plan, &label) {
                    return Some(path);
                }
            }
            match parse_cover_url(url) {
                Ok(cover) => cover,
                Err(_) => {
                    notes.changes.push(format!(
                        "{label}: its feature image {url} is on the old site: left out (use --fetch-images)"
                    ));
                    None
                }
            }
        });
        let mut change = |why: String| notes.changes.push(format!("{label}: {why}"));
        let mut post_tags: Vec<(i64, Tag)> = Vec::new();
        for link in data.posts_tags.iter().filter(|t| t.post_id == post.id) {
            let Some(tag) = tags.get(link.tag_id.as_str()) else {
                continue;
            };
            if tag.visibility == "internal" {
                change(format!("its internal tag {:?} is left out", tag.name));
                continue;
            }
            match Tag::parse(&tag.name) {
                Ok(parsed) if !post_tags.iter().any(|(_, t)| t.slug == parsed.slug) => {
                    post_tags.push((link.sort_order, parsed));
                }
                Ok(_) => {}
                Err(why) => change(format!("its tag {:?} is left out: {why}", tag.name)),
            }
        }
        post_tags.sort_by_key(|(order, _)| *order);
        let old_addresses = if post.status == "published" && !members_only {
            old_address(post, &mut change)
        } else {
            Vec::new()
        };
        let subtitle = subtitle(post.custom_excerpt.as_deref().unwrap_or_default());
        plan.posts.push(PlannedPost {
            file: label,
            title,
            subtitle,
            slug,
            body,
            format: BodyFormat::Html,
            cover,
            published_at,
            tags: post_tags.into_iter().map(|(_, t)| t).collect(),
            author,
            comments: Vec::new(),
            old_addresses,
        });
    }
    if !without_html.is_empty() {
        notes.skipped.insert(
            format!(
                "posts without HTML in the export (re-export from Ghost 5 or later): {}",
                without_html.join(", ")
            ),
            without_html.len(),
        );
    }
    plan.problems.extend(images.problems);
    (plan, notes)
}

fn author_key(id: &str) -> String {
    format!("ghost:{id}")
}

/// Ghost's post address, `/<slug>/`, unless it is one of Quire's own pages.
fn old_address(post: &Post, change: &mut impl FnMut(String)) -> Vec<OldAddress> {
    let Some(address) = OldAddress::parse(&format!("/{}/", post.slug)) else {
        return Vec::new();
    };
    if is_quire_page(&address) {
        change(format!(
            "its old address {}/ is a page of Quire's: no redirect",
            address.as_str()
        ));
        return Vec::new();
    }
    vec![address]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghost_dates_are_read_from_either_database() {
        let iso = |raw: &str| parse_date(raw).map(|d| d.to_rfc3339());
        assert_eq!(
            iso("2024-05-01 09:00:00").as_deref(),
            Some("2024-05-01T09:00:00+00:00")
        );
        assert_eq!(
            iso("2024-05-01T09:00:00.000Z").as_deref(),
            Some("2024-05-01T09:00:00+00:00")
        );
        assert_eq!(iso("soon"), None);
    }
}
