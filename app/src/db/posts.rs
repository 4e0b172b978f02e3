//! Posts.

use chrono::{DateTime, Utc};

use super::{now, on_pool, on_tx, unique_violation, Db, WriteTx};
use crate::domain::{PageNumber, PostPage, PostSummary, PostTitle, Slug};

pub struct NewPost<'a> {
    pub author_id: i64,
    pub title: &'a PostTitle,
    pub subtitle: &'a str,
    pub body: &'a str,
    pub cover_url: Option<&'a str>,
    /// `None` keeps the post a draft.
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub struct CreatedPost {
    pub id: i64,
    pub slug: Slug,
}

#[derive(Debug, thiserror::Error)]
pub enum CreatePostError {
    #[error("a post with this title exists")]
    DuplicateTitle,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates a post under a slug made from its title, made unique with a numeric suffix when
/// another post's title slugs alike ("Hello!" and "Hello?").
pub async fn create(db: &Db, post: &NewPost<'_>) -> Result<CreatedPost, CreatePostError> {
    // On PostgreSQL two writers can both see a slug as free; the loser retries with the
    // next one. (SQLite serializes writers with BEGIN IMMEDIATE, so it never gets here twice.)
    for _attempt in 0..3 {
        let mut tx = db.begin_write().await?;
        let slug = free_slug(&mut tx, &Slug::from_title(post.title)).await?;
        match insert(&mut tx, post, &slug).await {
            Ok(id) => {
                tx.commit().await?;
                return Ok(CreatedPost { id, slug });
            }
            Err(e) => match unique_violation(&e) {
                Some("posts_title_key") => return Err(CreatePostError::DuplicateTitle),
                Some("posts_slug_key") => continue,
                _ => return Err(e.into()),
            },
        }
    }
    Err(CreatePostError::Db(sqlx::Error::Protocol(
        "no free slug after 3 attempts".into(),
    )))
}

async fn free_slug(tx: &mut WriteTx, base: &Slug) -> Result<Slug, sqlx::Error> {
    // Slugs hold only letters, digits and hyphens, so the pattern needs no escaping.
    let taken: Vec<String> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT slug FROM posts WHERE slug = $1 OR slug LIKE $2")
            .bind(base.as_str())
            .bind(format!("{}-%", base.as_str()))
            .fetch_all(conn)
            .await
    })?;
    if !taken.iter().any(|s| s == base.as_str()) {
        return Ok(base.clone());
    }
    let mut n = 2;
    loop {
        let candidate = base.with_suffix(n);
        if !taken.iter().any(|s| s == candidate.as_str()) {
            return Ok(candidate);
        }
        n += 1;
    }
}

async fn insert(tx: &mut WriteTx, post: &NewPost<'_>, slug: &Slug) -> Result<i64, sqlx::Error> {
    let created = now();
    on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO posts
                 (author_id, title, subtitle, slug, body, cover_url, created_at, updated_at, published_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
             RETURNING id",
        )
        .bind(post.author_id)
        .bind(post.title.as_str())
        .bind(post.subtitle)
        .bind(slug.as_str())
        .bind(post.body)
        .bind(post.cover_url)
        .bind(created)
        .bind(post.published_at)
        .fetch_one(conn)
        .await
    })
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    slug: String,
    title: String,
    subtitle: String,
    cover_url: Option<String>,
    author_name: String,
    published_at: DateTime<Utc>,
}

/// One page of published posts, newest first. Posts scheduled after `at` are not shown.
pub async fn list_published(
    db: &Db,
    page: PageNumber,
    per_page: u32,
    at: DateTime<Utc>,
) -> Result<PostPage, sqlx::Error> {
    // One row more than a page tells whether an older page exists.
    let rows: Vec<SummaryRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT p.slug, p.title, p.subtitle, p.cover_url, u.name AS author_name, p.published_at
             FROM posts p JOIN users u ON u.id = p.author_id
             WHERE p.published_at IS NOT NULL AND p.published_at <= $1
             ORDER BY p.published_at DESC, p.id DESC
             LIMIT $2 OFFSET $3",
        )
        .bind(at)
        .bind(i64::from(per_page) + 1)
        .bind(page.offset(per_page))
        .fetch_all(pool)
        .await
    })?;
    let has_older = rows.len() > per_page as usize;
    let posts = rows
        .into_iter()
        .take(per_page as usize)
        .map(|r| PostSummary {
            slug: r.slug,
            title: r.title,
            subtitle: r.subtitle,
            cover_url: r.cover_url,
            author_name: r.author_name,
            published_at: r.published_at,
        })
        .collect();
    Ok(PostPage {
        posts,
        page: page.get(),
        has_newer: page.get() > 1,
        has_older,
    })
}

/// How many posts exist, drafts included.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM posts").fetch_one(pool).await)
}

/// A post's stored fields, for its page and its editor.
#[derive(Debug, sqlx::FromRow)]
pub struct PostRecord {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub body: String,
    pub cover_url: Option<String>,
    pub author_name: String,
    pub published_at: Option<DateTime<Utc>>,
}

/// The post at `slug`, drafts and scheduled posts included (callers decide who sees them).
pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<PostRecord>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT p.id, p.slug, p.title, p.subtitle, p.body, p.cover_url, u.name AS author_name, p.published_at
             FROM posts p JOIN users u ON u.id = p.author_id
             WHERE p.slug = $1",
        )
        .bind(slug)
        .fetch_optional(pool)
        .await
    })
}

/// The slug of the post with `id`, for redirects from the old `/post/<id>` addresses.
pub async fn slug_by_id(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT slug FROM posts WHERE id = $1").bind(id).fetch_optional(pool).await
    })
}

pub async fn slug_for_title(db: &Db, title: &str) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT slug FROM posts WHERE title = $1").bind(title).fetch_optional(pool).await
    })
}

pub struct PostChanges<'a> {
    pub title: &'a PostTitle,
    pub subtitle: &'a str,
    pub body: &'a str,
    pub cover_url: Option<&'a str>,
}

/// Edits the post at `slug`. The slug stays as it is, so links to the post keep working.
/// Returns whether the post exists.
pub async fn update(
    db: &Db,
    slug: &str,
    changes: &PostChanges<'_>,
) -> Result<bool, CreatePostError> {
    let result = on_pool!(db, pool => {
        sqlx::query(
            "UPDATE posts SET title = $1, subtitle = $2, body = $3, cover_url = $4, updated_at = $5
             WHERE slug = $6",
        )
        .bind(changes.title.as_str())
        .bind(changes.subtitle)
        .bind(changes.body)
        .bind(changes.cover_url)
        .bind(now())
        .bind(slug)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    });
    match result {
        Ok(rows) => Ok(rows > 0),
        Err(e) if unique_violation(&e) == Some("posts_title_key") => {
            Err(CreatePostError::DuplicateTitle)
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes the post at `slug` with its comments. Returns whether it existed.
pub async fn delete(db: &Db, slug: &str) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM posts WHERE slug = $1")
            .bind(slug)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}
