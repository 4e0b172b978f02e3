//! What feeds and the sitemap read: posts published as of a given time, never drafts or
//! posts scheduled later — so a scheduled post appears in them by itself when its time comes.

use chrono::{DateTime, Utc};

use super::{on_pool, Db};

#[derive(Debug, sqlx::FromRow)]
pub struct FeedEntry {
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub body_format: crate::domain::BodyFormat,
    pub cover_url: Option<String>,
    pub author_name: String,
    /// [`super::coauthors::COLUMN`].
    pub coauthors: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FeedEntry {
    /// When readers last saw it change: a post scheduled after its last edit changes when it
    /// is published.
    pub fn changed_at(&self) -> DateTime<Utc> {
        self.updated_at.max(self.published_at)
    }
}

/// The `limit` newest posts published by `at`, newest first — all, or those tagged `tag`.
pub async fn latest(
    db: &Db,
    at: DateTime<Utc>,
    limit: u32,
    tag: Option<&str>,
) -> Result<Vec<FeedEntry>, sqlx::Error> {
    let sql = format!(
        "SELECT p.slug, p.title, p.subtitle, p.body, p.body_format, p.cover_url, u.name AS author_name,
                {}, p.published_at, p.updated_at
         FROM posts p JOIN users u ON u.id = p.author_id
         WHERE p.published_at IS NOT NULL AND p.published_at <= $1
           AND ($3 IS NULL OR EXISTS (
               SELECT 1 FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
               WHERE pt.post_id = p.id AND t.slug = $3))
         ORDER BY p.published_at DESC, p.id DESC
         LIMIT $2",
        super::coauthors::COLUMN
    );
    on_pool!(db, pool => {
        sqlx::query_as(&sql)
        .bind(at)
        .bind(i64::from(limit))
        .bind(tag)
        .fetch_all(pool)
        .await
    })
}

/// A published post's address and when it last changed, for the sitemap.
#[derive(Debug, sqlx::FromRow)]
pub struct SitemapEntry {
    pub slug: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every post published by `at` (at most `limit`, the sitemap protocol's cap), newest first.
pub async fn sitemap(
    db: &Db,
    at: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<SitemapEntry>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT slug, published_at, updated_at FROM posts
             WHERE published_at IS NOT NULL AND published_at <= $1
             ORDER BY published_at DESC, id DESC
             LIMIT $2",
        )
        .bind(at)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
    })
}
