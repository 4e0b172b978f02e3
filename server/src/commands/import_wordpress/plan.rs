//! A WordPress export made into an import plan: what comes over, as what, and a note for
//! everything that changed or stayed behind. Nothing is refused here but what cannot be
//! read: a real blog's export always has oddities, and the report names them.

use std::collections::HashMap;

use app::domain::{parse_cover_url, BodyFormat, CommentStatus, OldAddress, Tag, UserName};
use chrono::{DateTime, Utc};

use super::body;
use super::wxr::{Comment, Export, Item};
use crate::commands::importing::{
    fit, is_quire_page, parse_date, subtitle, unknown_admin, without_controls, Images, Notes,
    Person, Plan, PlannedComment, PlannedPost, Settings, Taken,
};

pub fn plan(export: &Export, settings: &Settings) -> (Plan, Notes) {
    let mut plan = Plan::default();
    let mut notes = Notes::default();
    let mut taken = Taken::default();
    let authors: HashMap<&str, &str> = export
        .authors
        .iter()
        .map(|a| (a.id.as_str(), a.login.as_str()))
        .collect();
    for author in &export.authors {
        let person = Person::author(
            &author.display_name,
            &author.login,
            &author.email,
            settings.admin,
        );
        plan.people.insert(author_key(&author.login), person);
    }
    let emails = export.authors.iter().map(|a| a.email.as_str());
    plan.problems.extend(unknown_admin(settings.admin, emails));
    let attachments: HashMap<i64, &str> = export
        .items
        .iter()
        .filter(|i| i.kind == "attachment")
        .map(|i| (i.id, i.attachment_url.as_str()))
        .collect();
    let mut images = Images::new(settings.images, upload_prefixes(export));

    for item in &export.items {
        let published_at = match (item.kind.as_str(), item.status.as_str()) {
            ("post" | "page", "publish" | "future") => Some(gmt(item)),
            ("post" | "page", "draft" | "pending" | "private") => None,
            (kind @ ("post" | "page"), status) => {
                *notes
                    .skipped
                    .entry(format!("{kind}s in {status}"))
                    .or_default() += 1;
                continue;
            }
            (kind, _) => {
                *notes.skipped.entry(format!("{kind} items")).or_default() += 1;
                continue;
            }
        };
        let label = format!("post {} ({:?})", item.id, item.title);
        let mut change = |why: String| notes.changes.push(format!("{label}: {why}"));
        if item.kind == "page" {
            notes.pages += 1;
        }
        if item.status == "private" {
            change("private on WordPress: imported as a draft".into());
        }
        if let Some(Err(why)) = &published_at {
            change(why.clone());
        }
        let published_at = published_at.map(|at| at.unwrap_or_else(|_| fallback_date(item)));
        let (title, why) = taken.title(&item.title, &format!("Untitled post {}", item.id));
        if let Some(why) = why {
            change(why);
        }
        let wanted = percent_encoding::percent_decode_str(&item.name)
            .decode_utf8_lossy()
            .into_owned();
        let wanted = wanted.trim_end_matches("__trashed");
        let (slug, why) = taken.slug(wanted, &title);
        if let Some(why) = why.filter(|_| !wanted.is_empty()) {
            change(why);
        }
        let subtitle = subtitle(&item.excerpt);
        let shortcodes = body::unknown_shortcodes(&item.content);
        if !shortcodes.is_empty() {
            change(format!(
                "WordPress shortcodes stay as text: [{}]",
                shortcodes.join("], [")
            ));
        }
        let author = author_key(&item.creator);
        let mut html = body::to_html(&item.content);
        let cover = item
            .meta("_thumbnail_id")
            .and_then(|id| id.parse::<i64>().ok())
            .and_then(|id| attachments.get(&id).copied())
            .map(str::to_owned);
        let mut cover = cover.and_then(|url| match parse_cover_url(&url) {
            Ok(url) => url,
            Err(why) => {
                change(format!("its featured image {url:?} is left out: {why}"));
                None
            }
        });
        if images.fetching() {
            html = images.rewrite_body(&html, &author, &mut plan, &label);
            if let Some(url) = &cover {
                if let Some(path) = images.store(url, &author, &mut plan, &label) {
                    cover = Some(path);
                }
            }
        }
        let mut tags: Vec<Tag> = Vec::new();
        for (domain, name) in &item.terms {
            if !matches!(domain.as_str(), "category" | "post_tag")
                || domain == "category" && name.eq_ignore_ascii_case("uncategorized")
            {
                continue;
            }
            match Tag::parse(name) {
                Ok(tag) if !tags.iter().any(|t| t.slug == tag.slug) => tags.push(tag),
                Ok(_) => {}
                Err(why) => change(format!("its term {name:?} is left out: {why}")),
            }
        }
        let comments = comments(item, &authors, &mut notes);
        let old_addresses = if item.status == "publish" {
            old_addresses(export, item, &mut notes)
        } else {
            Vec::new()
        };
        plan.posts.push(PlannedPost {
            file: label,
            title,
            subtitle,
            slug,
            body: html,
            format: BodyFormat::Html,
            cover,
            published_at,
            tags,
            author,
            comments,
            old_addresses,
        });
    }
    plan.problems.extend(images.problems);
    (plan, notes)
}

/// Where the old site served its uploads, under either scheme.
fn upload_prefixes(export: &Export) -> Vec<String> {
    let site = if export.site_url.is_empty() {
        &export.blog_url
    } else {
        &export.site_url
    };
    let rest = site.split_once("://").map(|(_, r)| r).unwrap_or(site);
    let rest = rest.trim_end_matches('/');
    ["http://", "https://", "//"]
        .iter()
        .map(|scheme| format!("{scheme}{rest}/wp-content/uploads/"))
        .collect()
}

fn author_key(login: &str) -> String {
    format!("wordpress:{login}")
}

/// The item's date in UTC: `post_date_gmt`, or why it had to be taken otherwise.
fn gmt(item: &Item) -> Result<DateTime<Utc>, String> {
    parse_date(&item.date_gmt).ok_or_else(|| {
        format!(
            "it has no UTC date ({:?}): dated {:?} as if it were UTC",
            item.date_gmt, item.date
        )
    })
}

fn fallback_date(item: &Item) -> DateTime<Utc> {
    parse_date(&item.date).unwrap_or_else(Utc::now)
}

fn comments(item: &Item, authors: &HashMap<&str, &str>, notes: &mut Notes) -> Vec<PlannedComment> {
    let mut out = Vec::new();
    for comment in &item.comments {
        let status = match (comment.approved.as_str(), comment.kind.as_str()) {
            (_, kind @ ("pingback" | "trackback")) => {
                *notes
                    .comments_skipped
                    .entry(format!("{kind}s"))
                    .or_default() += 1;
                continue;
            }
            ("1", _) => CommentStatus::Visible,
            ("0", _) => CommentStatus::Pending,
            (other, _) => {
                *notes.comments_skipped.entry(other.to_owned()).or_default() += 1;
                continue;
            }
        };
        if !matches!(comment.parent.as_str(), "" | "0") {
            notes.replies += 1;
        }
        out.push(PlannedComment {
            author: commenter(comment, authors),
            created_at: parse_date(&comment.date_gmt).unwrap_or_else(|| gmt_or_now(item)),
            body: body::paragraphs(&comment.content.replace("\r\n", "\n")),
            format: BodyFormat::Html,
            status,
        });
    }
    out
}

fn gmt_or_now(item: &Item) -> DateTime<Utc> {
    gmt(item).unwrap_or_else(|_| Utc::now())
}

/// A registered commenter is their author account; anyone else a placeholder account under
/// the name they gave (the same name, the same account).
fn commenter(comment: &Comment, authors: &HashMap<&str, &str>) -> String {
    if let Some(login) = authors.get(comment.user_id.as_str()) {
        return author_key(login);
    }
    let name = html_escape::decode_html_entities(&comment.author);
    let name = fit(&without_controls(&name), UserName::MAX_CHARS);
    if name.is_empty() {
        "Anonymous".to_owned()
    } else {
        name
    }
}

/// The addresses a published item had: its permalink and `/?p=<id>` (`/?page_id=` for a
/// page), unless one is a page Quire has itself.
fn old_addresses(export: &Export, item: &Item, notes: &mut Notes) -> Vec<OldAddress> {
    let plain = match item.kind.as_str() {
        "page" => format!("/?page_id={}", item.id),
        _ => format!("/?p={}", item.id),
    };
    let mut out = Vec::new();
    for raw in [item.link.as_str(), plain.as_str()] {
        let within = raw.starts_with('/') || same_site(raw, &export.blog_url);
        let Some(address) = OldAddress::parse(raw).filter(|_| within) else {
            continue;
        };
        if is_quire_page(&address) {
            notes.changes.push(format!(
                "post {} ({:?}): its old address {} is a page of Quire's: no redirect",
                item.id,
                item.title,
                address.as_str()
            ));
            continue;
        }
        if !out.contains(&address) {
            out.push(address);
        }
    }
    out
}

/// Whether `url` is on the site at `base` (either scheme).
fn same_site(url: &str, base: &str) -> bool {
    let host = |u: &str| {
        u.split_once("://").map(|(_, rest)| {
            rest.split('/')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
    };
    host(url).is_some() && host(url) == host(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_dates_are_utc_and_its_zero_date_is_none() {
        assert_eq!(
            parse_date("2024-05-10 07:30:00").map(|d| d.to_rfc3339()),
            Some("2024-05-10T07:30:00+00:00".to_owned())
        );
        assert_eq!(parse_date("0000-00-00 00:00:00"), None);
    }

    #[test]
    fn an_excerpt_becomes_a_one_line_subtitle() {
        assert_eq!(
            subtitle("<p>Short &amp; <b>sweet</b>\nexcerpt.</p>"),
            "Short & sweet excerpt."
        );
        let long = subtitle(&"word ".repeat(100));
        assert!(
            long.chars().count() <= 300 && long.ends_with("word…"),
            "{long}"
        );
    }

    #[test]
    fn only_the_sites_own_addresses_are_kept() {
        assert!(same_site("https://wp.test/2024/05/x/", "http://wp.test"));
        assert!(!same_site("https://other.test/x/", "http://wp.test"));
    }
}
