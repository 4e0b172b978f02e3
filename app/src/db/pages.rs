//! Standalone pages (table `pages`, migration 0026), in the admin's order.

use chrono::{DateTime, Utc};

use super::{now, on_pool, on_tx, Db};
use crate::domain::{NavLink, PostTitle, Slug};

#[derive(Debug, sqlx::FromRow)]
pub struct PageRecord {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub in_nav: bool,
    pub updated_at: DateTime<Utc>,
}

/// Why a page could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SavePageError {
    /// Another page has this title, or one that makes the same address.
    #[error("another page has this title or address")]
    Taken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Whether another page than `except` (a slug) has this title, or the address `slug`.
async fn taken(
    db: &Db,
    title: &PostTitle,
    slug: Option<&Slug>,
    except: Option<&str>,
) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pages
                            WHERE (title = $1 OR slug = $2) AND ($3 IS NULL OR slug <> $3))",
        )
        .bind(title.as_str())
        .bind(slug.map(Slug::as_str))
        .bind(except)
        .fetch_one(pool)
        .await
    })
}

/// Adds a page after the others; returns its address.
pub async fn create(
    db: &Db,
    title: &PostTitle,
    body: &str,
    in_nav: bool,
) -> Result<Slug, SavePageError> {
    let slug = Slug::from_title(title);
    if taken(db, title, Some(&slug), None).await? {
        return Err(SavePageError::Taken);
    }
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO pages (title, slug, body, position, in_nav, created_at, updated_at)
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM pages), $4, $5, $5)",
        )
        .bind(title.as_str())
        .bind(slug.as_str())
        .bind(body)
        .bind(in_nav)
        .bind(now())
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(slug)
}

/// Saves the page at `slug` (its address stays). `false`: there is none.
pub async fn update(
    db: &Db,
    slug: &str,
    title: &PostTitle,
    body: &str,
    in_nav: bool,
) -> Result<bool, SavePageError> {
    // The address stays, so only the title can clash.
    if taken(db, title, None, Some(slug)).await? {
        return Err(SavePageError::Taken);
    }
    let changed = on_pool!(db, pool => {
        sqlx::query(
            "UPDATE pages SET title = $2, body = $3, in_nav = $4, updated_at = $5 WHERE slug = $1",
        )
        .bind(slug)
        .bind(title.as_str())
        .bind(body)
        .bind(in_nav)
        .bind(now())
        .execute(pool)
        .await
        .map(|r| r.rows_affected() > 0)
    })?;
    Ok(changed)
}

pub async fn delete(db: &Db, slug: &str) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM pages WHERE slug = $1")
            .bind(slug)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<PageRecord>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT slug, title, body, in_nav, updated_at FROM pages WHERE slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await
    })
}

/// Every page, in order.
pub async fn list(db: &Db) -> Result<Vec<PageRecord>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT slug, title, body, in_nav, updated_at FROM pages ORDER BY position, id",
        )
        .fetch_all(pool)
        .await
    })
}

/// The pages shown in the navigation, in order.
pub async fn nav(db: &Db) -> Result<Vec<NavLink>, sqlx::Error> {
    let rows: Vec<(String, String)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT slug, title FROM pages WHERE in_nav ORDER BY position, id")
            .fetch_all(pool)
            .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(slug, title)| NavLink { slug, title })
        .collect())
}

/// Swaps the page at `slug` with the one before it (`up`) or after it, in one transaction.
/// `false`: no such page, or none on that side.
pub async fn shift(db: &Db, slug: &str, up: bool) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let order: Vec<(i64, i64)> = on_tx!(&mut tx, conn => {
        sqlx::query_as("SELECT id, position FROM pages ORDER BY position, id")
            .fetch_all(&mut *conn)
            .await
    })?;
    let id: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT id FROM pages WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *conn)
            .await
    })?;
    let Some(at) = id.and_then(|id| order.iter().position(|(i, _)| *i == id)) else {
        return Ok(false);
    };
    let Some(other) =
        (if up { at.checked_sub(1) } else { Some(at + 1) }).filter(|&o| o < order.len())
    else {
        return Ok(false);
    };
    // Positions renumbered 1, 2, 3… in the new order, so equal positions cannot stall a move.
    let mut ids: Vec<i64> = order.iter().map(|(id, _)| *id).collect();
    ids.swap(at, other);
    for (position, id) in ids.iter().enumerate() {
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE pages SET position = $1 WHERE id = $2")
                .bind(position as i64 + 1)
                .bind(*id)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })?;
    }
    tx.commit().await?;
    Ok(true)
}
