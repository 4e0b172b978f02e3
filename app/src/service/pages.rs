//! Standalone pages: the admin writes, orders and deletes them; readers read them; the
//! navigation lists those shown there, kept in memory while the content version holds.

use std::sync::Mutex;

use crate::db::{self, pages::SavePageError};
use crate::domain::{parse_body, NavLink, PageDraft, PageListing, PostTitle, SitePage};
use crate::error::{AppError, FormErrors};
use crate::state::AppState;

use super::Caller;

fn db_err(doing: &'static str) -> impl Fn(sqlx::Error) -> AppError {
    move |e| AppError::from_db(doing, e)
}

/// The page at `slug`, for readers.
pub async fn page(state: &AppState, slug: &str) -> Result<SitePage, AppError> {
    let row = db::pages::by_slug(&state.db, slug)
        .await
        .map_err(db_err("loading a page"))?
        .ok_or_else(|| AppError::NotFound("There is no page at this address.".into()))?;
    Ok(SitePage {
        body_html: crate::render::post_body_html(&row.body, crate::domain::BodyFormat::Markdown),
        slug: row.slug,
        title: row.title,
    })
}

/// The navigation's pages as last read: for which database (its `Freshness`, by address),
/// at which content version.
static NAV: Mutex<Option<(usize, i64, Vec<NavLink>)>> = Mutex::new(None);

/// The pages shown in the navigation, in order: from memory while the content version
/// (already read for this request by the session layer) is the one they were read at.
pub async fn nav(state: &AppState) -> Result<Vec<NavLink>, AppError> {
    let database = std::sync::Arc::as_ptr(&state.freshness) as usize;
    let version = state.freshness.now().await.map(|v| v.content);
    if let Some(version) = version {
        let kept = NAV.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((db, at, links)) = kept.as_ref() {
            if (*db, *at) == (database, version) {
                return Ok(links.clone());
            }
        }
    }
    let links = db::pages::nav(&state.db)
        .await
        .map_err(db_err("loading the navigation"))?;
    if let Some(version) = version {
        *NAV.lock().unwrap_or_else(|e| e.into_inner()) = Some((database, version, links.clone()));
    }
    Ok(links)
}

/// The page editor's fields as typed.
pub struct Typed<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// "Show in the navigation": `on` when ticked.
    pub in_nav: &'a str,
}

impl Typed<'_> {
    fn parse(&self) -> Result<(PostTitle, String), AppError> {
        let mut form = FormErrors::default();
        let parsed = (
            form.check("title", PostTitle::parse(self.title)),
            form.check("body", parse_body(self.body)),
        );
        match parsed {
            (Some(title), Some(body)) => Ok((title, body)),
            _ => Err(form.into_error(&self.echo())),
        }
    }

    fn echo(&self) -> [(&'static str, &str); 3] {
        [
            ("title", self.title),
            ("body", self.body),
            ("in_nav", self.in_nav),
        ]
    }

    fn taken(&self) -> AppError {
        AppError::conflict(
            "title",
            "Another page has this title, or one that makes the same address. Choose another.",
        )
        .with_values(&self.echo())
    }
}

/// Adds a page after the others; returns its address.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    typed: &Typed<'_>,
) -> Result<String, AppError> {
    caller.require_admin()?;
    let (title, body) = typed.parse()?;
    match db::pages::create(&state.db, &title, &body, typed.in_nav == "on").await {
        Ok(slug) => Ok(slug.as_str().to_owned()),
        Err(SavePageError::Taken) => Err(typed.taken()),
        Err(SavePageError::Db(e)) => Err(db_err("adding a page")(e)),
    }
}

/// Saves the page at `slug`; its address stays.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    typed: &Typed<'_>,
) -> Result<(), AppError> {
    caller.require_admin()?;
    let (title, body) = typed.parse()?;
    match db::pages::update(&state.db, slug, &title, &body, typed.in_nav == "on").await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::NotFound("There is no such page.".into())),
        Err(SavePageError::Taken) => Err(typed.taken()),
        Err(SavePageError::Db(e)) => Err(db_err("saving a page")(e)),
    }
}

pub async fn delete(state: &AppState, caller: &Caller, slug: &str) -> Result<(), AppError> {
    caller.require_admin()?;
    match db::pages::delete(&state.db, slug).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::NotFound("There is no such page.".into())),
        Err(e) => Err(db_err("deleting a page")(e)),
    }
}

/// Moves the page at `slug` one place `up` (earlier) or down.
pub async fn shift(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    up: bool,
) -> Result<(), AppError> {
    caller.require_admin()?;
    match db::pages::shift(&state.db, slug, up).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::NotFound(
            "There is no such page, or nothing to move it past.".into(),
        )),
        Err(e) => Err(db_err("ordering pages")(e)),
    }
}

/// Every page in order, for the admin.
pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<PageListing>, AppError> {
    caller.require_admin()?;
    let rows = db::pages::list(&state.db)
        .await
        .map_err(db_err("listing pages"))?;
    Ok(rows
        .into_iter()
        .map(|r| PageListing {
            slug: r.slug,
            title: r.title,
            in_nav: r.in_nav,
        })
        .collect())
}

/// The page at `slug` as its editor shows it (empty: a new page, shown in the navigation).
pub async fn draft(state: &AppState, caller: &Caller, slug: &str) -> Result<PageDraft, AppError> {
    caller.require_admin()?;
    if slug.is_empty() {
        return Ok(PageDraft {
            in_nav: true,
            ..PageDraft::default()
        });
    }
    let row = db::pages::by_slug(&state.db, slug)
        .await
        .map_err(db_err("loading a page"))?
        .ok_or_else(|| AppError::NotFound("There is no such page.".into()))?;
    Ok(PageDraft {
        slug: row.slug,
        title: row.title,
        body: row.body,
        in_nav: row.in_nav,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::service::testing;

    fn typed<'a>(title: &'a str, in_nav: &'a str) -> Typed<'a> {
        Typed {
            title,
            body: "Some *words*.",
            in_nav,
        }
    }

    #[tokio::test]
    async fn the_admin_orders_pages_and_the_navigation_follows() {
        let state = testing::state().await;
        let admin = Caller::from_user(Some(testing::user(&state, "Admin", Role::Admin).await));
        let editor = Caller::from_user(Some(testing::user(&state, "Ed", Role::Editor).await));
        assert_eq!(
            create(&state, &editor, &typed("About", "on"))
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        for (title, in_nav) in [("About", "on"), ("Colophon", "on"), ("Hidden", "")] {
            create(&state, &admin, &typed(title, in_nav)).await.unwrap();
        }
        let titles = |links: Vec<NavLink>| links.into_iter().map(|l| l.title).collect::<Vec<_>>();
        assert_eq!(titles(nav(&state).await.unwrap()), ["About", "Colophon"]);
        shift(&state, &admin, "colophon", true).await.unwrap();
        assert_eq!(titles(nav(&state).await.unwrap()), ["Colophon", "About"]);
        assert!(
            shift(&state, &admin, "colophon", true).await.is_err(),
            "first already"
        );
        let again = create(&state, &admin, &typed("About", "on"))
            .await
            .unwrap_err();
        assert_eq!(again.value("body").as_deref(), Some("Some *words*."));
        assert_eq!(
            page(&state, "about").await.unwrap().body_html,
            "<p>Some <em>words</em>.</p>\n"
        );
        delete(&state, &admin, "about").await.unwrap();
        assert_eq!(titles(nav(&state).await.unwrap()), ["Colophon"]);
    }
}
