//! Series (table `series`, migration 0025) and the posts that are their parts
//! (`posts.series_id`, `posts.series_position`).

use chrono::{DateTime, Utc};

use super::{now, on_pool, on_tx, Db, WriteTx};
use crate::domain::{PartLink, SeriesChoice};

/// Why a post could not be put in a series.
#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// Another series' name makes the same address ("Rust!" and "Rust?").
    #[error("another series has this address")]
    SlugTaken(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The series named `choice.title`, made if there is none. Looked up by name and address
/// first (rather than caught as a unique violation, which would end a PostgreSQL
/// transaction).
async fn series_id(tx: &mut WriteTx, choice: &SeriesChoice) -> Result<i64, SeriesError> {
    let found: Vec<(i64, String)> = on_tx!(&mut *tx, conn => {
        sqlx::query_as("SELECT id, title FROM series WHERE title = $1 OR slug = $2")
            .bind(&choice.title)
            .bind(choice.slug.as_str())
            .fetch_all(&mut *conn)
            .await
    })?;
    if let Some((id, _)) = found.iter().find(|(_, title)| *title == choice.title) {
        return Ok(*id);
    }
    if let Some((_, other)) = found.into_iter().next() {
        return Err(SeriesError::SlugTaken(other));
    }
    let id = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO series (title, slug, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(&choice.title)
        .bind(choice.slug.as_str())
        .bind(now())
        .fetch_one(&mut *conn)
        .await
    })?;
    Ok(id)
}

/// Puts the post in the chosen series (at its part, else where it is in that series already,
/// else after the last part), or in none.
pub async fn set_for_post(
    tx: &mut WriteTx,
    post_id: i64,
    choice: Option<&SeriesChoice>,
) -> Result<(), SeriesError> {
    let Some(choice) = choice else {
        on_tx!(&mut *tx, conn => {
            sqlx::query("UPDATE posts SET series_id = NULL, series_position = NULL WHERE id = $1")
                .bind(post_id)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
        return Ok(());
    };
    let series = series_id(tx, choice).await?;
    if let Some(part) = choice.part {
        // Placed where another part is: that one and those after it move up one.
        on_tx!(&mut *tx, conn => {
            sqlx::query(
                "UPDATE posts SET series_position = series_position + 1
                 WHERE series_id = $2 AND id <> $1 AND series_position >= $3
                   AND EXISTS (SELECT 1 FROM posts o WHERE o.series_id = $2 AND o.id <> $1
                               AND o.series_position = $3)",
            )
            .bind(post_id)
            .bind(series)
            .bind(part)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })?;
    }
    on_tx!(&mut *tx, conn => {
        sqlx::query(
            "UPDATE posts SET series_position = COALESCE($3,
                 CASE WHEN series_id = $2 THEN series_position END,
                 (SELECT COALESCE(MAX(o.series_position), 0) + 1 FROM posts o
                  WHERE o.series_id = $2 AND o.id <> $1)),
                 series_id = $2
             WHERE id = $1",
        )
        .bind(post_id)
        .bind(series)
        .bind(choice.part)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// The series' published parts (as of `at`), in order.
pub async fn parts(
    db: &Db,
    series_id: i64,
    at: DateTime<Utc>,
) -> Result<Vec<PartLink>, sqlx::Error> {
    let rows: Vec<(String, String)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT slug, title FROM posts
             WHERE series_id = $1 AND published_at <= $2
             ORDER BY series_position, published_at, id",
        )
        .bind(series_id)
        .bind(at)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(slug, title)| PartLink { slug, title })
        .collect())
}

/// The series at `slug`: its id and name.
pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT id, title FROM series WHERE slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await
    })
}
