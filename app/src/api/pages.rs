use leptos::prelude::*;

use crate::domain::{NavLink, PageDraft, PageListing, SitePage};
use crate::error::AppError;

/// The page at `slug`, for readers.
#[server(endpoint = "pages/get")]
pub async fn get_page(slug: String) -> Result<SitePage, AppError> {
    super::guard::serve(async |state, _| crate::service::pages::page(state, &slug).await).await
}

/// The pages the navigation shows, in order.
#[server(endpoint = "pages/nav")]
pub async fn nav_pages() -> Result<Vec<NavLink>, AppError> {
    super::guard::serve(async |state, _| crate::service::pages::nav(state).await).await
}

/// Every page, in order (admin only).
#[server(endpoint = "admin/pages")]
pub async fn list_pages() -> Result<Vec<PageListing>, AppError> {
    super::guard::serve(async |state, caller| crate::service::pages::list(state, caller).await)
        .await
}

/// A page's fields for its editor (admin only); an empty `slug`: a new page.
#[server(endpoint = "admin/pages/draft")]
pub async fn load_page_draft(#[server(default)] slug: String) -> Result<PageDraft, AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::pages::draft(state, caller, &slug).await
    })
    .await
}

/// Adds a page after the others (admin only), then opens it.
#[server(endpoint = "admin/pages/create")]
pub async fn create_page(
    title: String,
    body: String,
    #[server(default)] in_nav: String,
) -> Result<(), AppError> {
    use crate::service::pages::{self, Typed};
    super::guard::serve(async |state, caller| {
        let typed = Typed {
            title: &title,
            body: &body,
            in_nav: &in_nav,
        };
        let slug = pages::create(state, caller, &typed).await?;
        super::guard::land_on(&format!("/pages/{slug}"));
        Ok(())
    })
    .await
}

/// Saves the page at `slug` (admin only), then opens it.
#[server(endpoint = "admin/pages/update")]
pub async fn update_page(
    slug: String,
    title: String,
    body: String,
    #[server(default)] in_nav: String,
) -> Result<(), AppError> {
    use crate::service::pages::{self, Typed};
    super::guard::serve(async |state, caller| {
        let typed = Typed {
            title: &title,
            body: &body,
            in_nav: &in_nav,
        };
        pages::update(state, caller, &slug, &typed).await?;
        super::guard::land_on(&format!("/pages/{slug}"));
        Ok(())
    })
    .await
}

/// Moves the page at `slug` one place earlier (`direction` `up`) or later (admin only).
#[server(endpoint = "admin/pages/move")]
pub async fn move_page(slug: String, direction: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::pages::shift(state, caller, &slug, direction == "up").await?;
        super::guard::land_on("/admin/pages");
        Ok(())
    })
    .await
}

/// Deletes the page at `slug` (admin only).
#[server(endpoint = "admin/pages/delete")]
pub async fn delete_page(slug: String) -> Result<(), AppError> {
    super::guard::serve(async |state, caller| {
        crate::service::pages::delete(state, caller, &slug).await?;
        super::guard::land_on("/admin/pages");
        Ok(())
    })
    .await
}
