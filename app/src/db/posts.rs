//! Posts.

use chrono::{DateTime, Utc};

use super::series::SeriesError;
use super::{now, on_pool, on_tx, unique_violation, Db, WriteTx};
use crate::domain::{
    BodyFormat, OldAddress, PageNumber, PostPage, PostSummary, PostTitle, Publication, Slug,
};

pub struct NewPost<'a> {
    pub author_id: i64,
    pub tags: &'a [crate::domain::Tag],
    pub title: &'a PostTitle,
    pub subtitle: &'a str,
    pub body: &'a str,
    pub cover_url: Option<&'a str>,
    /// `None` keeps the post a draft.
    pub published_at: Option<DateTime<Utc>>,
    /// Mail it to the subscribers once it is out.
    pub newsletter: bool,
    /// Named after the author in the byline, in order.
    pub coauthors: &'a [i64],
    /// A draft submitted for review.
    pub submitted: bool,
    /// The series it is a part of, if any.
    pub series: Option<&'a crate::domain::SeriesChoice>,
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
    /// Another series' name makes the address of the one named (its name).
    #[error("another series has this address")]
    SeriesTaken(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdatePostError {
    #[error("a post with this title exists")]
    DuplicateTitle,
    /// The save started from an older revision than the post's.
    #[error("the post was saved since this edit started")]
    Stale,
    /// Another series' name makes the address of the one named (its name).
    #[error("another series has this address")]
    SeriesTaken(String),
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
                super::tags::set_for_post(&mut tx, id, post.tags).await?;
                super::coauthors::set_for_post(&mut tx, id, post.coauthors).await?;
                match super::series::set_for_post(&mut tx, id, post.series).await {
                    Ok(()) => {}
                    Err(SeriesError::SlugTaken(other)) => {
                        return Err(CreatePostError::SeriesTaken(other))
                    }
                    Err(SeriesError::Db(e)) => return Err(e.into()),
                }
                super::subscribers::want_newsletter(&mut tx, id, post.newsletter).await?;
                super::autosaves::discard_in(&mut tx, post.author_id, None).await?;
                super::revisions::record(&mut tx, id, u32::MAX).await?;
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

/// A fresh private-preview token: 128 random bits from the OS, hex.
pub fn preview_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
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
                 (author_id, title, subtitle, slug, body, cover_url, created_at, updated_at,
                  published_at, preview_token, updated_by, submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $1, $10)
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
        .bind(preview_token())
        .bind((post.submitted && post.published_at.is_none()).then_some(created))
        .fetch_one(conn)
        .await
    })
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    author_id: i64,
    body_chars: i64,
    slug: String,
    title: String,
    subtitle: String,
    cover_url: Option<String>,
    author_name: String,
    coauthors: String,
    published_at: DateTime<Utc>,
}

/// Which published posts a listing shows.
#[derive(Debug, Clone, Copy)]
pub enum Listing<'a> {
    All,
    /// Those carrying the tag with this slug.
    Tagged(&'a str),
    /// Those by the user with this id.
    By(i64),
}

/// One page of published posts, newest first, as `listing` selects them. Posts scheduled
/// after `at` are not shown. Two queries, however many posts.
pub async fn list_published(
    db: &Db,
    page: PageNumber,
    per_page: u32,
    at: DateTime<Utc>,
    listing: Listing<'_>,
) -> Result<PostPage, sqlx::Error> {
    let (tag, author) = match listing {
        Listing::All => (None, None),
        Listing::Tagged(slug) => (Some(slug), None),
        Listing::By(id) => (None, Some(id)),
    };
    // One row more than a page tells whether an older page exists.
    let sql = format!(
        "SELECT p.id, p.slug, p.title, p.subtitle, p.cover_url, p.author_id,
                u.name AS author_name, {}, p.published_at,
                CAST(length(p.body) AS BIGINT) AS body_chars
         FROM posts p JOIN users u ON u.id = p.author_id
         WHERE p.published_at IS NOT NULL AND p.published_at <= $1
           AND ($4 IS NULL OR EXISTS (
               SELECT 1 FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
               WHERE pt.post_id = p.id AND t.slug = $4))
           AND ($5 IS NULL OR p.author_id = $5 OR EXISTS (
               SELECT 1 FROM post_coauthors pc WHERE pc.post_id = p.id AND pc.user_id = $5))
         ORDER BY p.published_at DESC, p.id DESC
         LIMIT $2 OFFSET $3",
        super::coauthors::COLUMN
    );
    let rows: Vec<SummaryRow> = on_pool!(db, pool => {
        sqlx::query_as(&sql)
        .bind(at)
        .bind(i64::from(per_page) + 1)
        .bind(page.offset(per_page))
        .bind(tag)
        .bind(author)
        .fetch_all(pool)
        .await
    })?;
    let has_older = rows.len() > per_page as usize;
    let rows: Vec<SummaryRow> = rows.into_iter().take(per_page as usize).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = super::tags::for_posts(db, &ids).await?;
    let posts = rows
        .into_iter()
        .map(|r| PostSummary {
            tags: tags.remove(&r.id).unwrap_or_default(),
            slug: r.slug,
            title: r.title,
            subtitle: r.subtitle,
            cover_url: r.cover_url,
            author_id: r.author_id,
            author_name: r.author_name,
            coauthors: super::coauthors::parse(&r.coauthors),
            published_at: r.published_at,
            reading_minutes: reading_minutes(r.body_chars),
        })
        .collect();
    Ok(PostPage {
        posts,
        page: page.get(),
        has_newer: page.get() > 1,
        has_older,
    })
}

/// Minutes to read a body of `chars` characters: about 6 characters a word (with its space),
/// 230 words a minute, at least one.
pub fn reading_minutes(chars: i64) -> u32 {
    let words = chars.max(0) as f64 / 6.0;
    (words / 230.0).ceil().max(1.0) as u32
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
    #[sqlx(try_from = "String")]
    pub body_format: BodyFormat,
    pub cover_url: Option<String>,
    pub author_id: i64,
    pub author_name: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub preview_token: Option<String>,
    /// 1 when written, one more at every save.
    pub revision: i64,
    /// [`super::coauthors::COLUMN`].
    pub coauthors: String,
    /// When its writer submitted the draft for review; `None` once published or sent back.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The series it is a part of, and where.
    pub series_id: Option<i64>,
    pub series_title: Option<String>,
    pub series_slug: Option<String>,
    pub series_position: Option<i64>,
}

impl PostRecord {
    pub fn coauthor_ids(&self) -> Vec<i64> {
        super::coauthors::parse(&self.coauthors)
            .into_iter()
            .map(|a| a.id)
            .collect()
    }
}

/// What makes a [`PostRecord`], before its `WHERE`.
pub(super) static RECORD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT p.id, p.slug, p.title, p.subtitle, p.body, p.body_format, p.cover_url, p.author_id,
                u.name AS author_name, p.published_at, p.updated_at, p.preview_token,
                p.revision, p.submitted_at, p.series_id, s.title AS series_title,
                s.slug AS series_slug, p.series_position, {}
         FROM posts p JOIN users u ON u.id = p.author_id
              LEFT JOIN series s ON s.id = p.series_id",
        super::coauthors::COLUMN
    )
});

/// The post at `slug`, drafts and scheduled posts included (callers decide who sees them).
pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<PostRecord>, sqlx::Error> {
    let sql = format!("{} WHERE p.slug = $1", *RECORD);
    on_pool!(db, pool => {
        sqlx::query_as(&sql)
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

/// The slug of the published post that had `address` on the blog it was imported from.
pub async fn slug_by_old_address(
    db: &Db,
    address: &OldAddress,
) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT p.slug FROM old_addresses a JOIN posts p ON p.id = a.post_id
             WHERE a.address = $1 AND p.published_at <= $2",
        )
        .bind(address.as_str())
        .bind(now())
        .fetch_optional(pool)
        .await
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
    pub publication: Publication,
    pub tags: &'a [crate::domain::Tag],
    /// Mail it to the subscribers once it is out (no edit changes a post mailed already).
    pub newsletter: bool,
    /// Who saves it: their draft copy of the post goes, and a refused save names them.
    pub editor_id: i64,
    /// The revision the edit started from: the save is refused (`Stale`) if the post has
    /// moved on since. `None` saves whatever the post's revision.
    pub base_revision: Option<i64>,
    /// How many of its newest revisions the post keeps (`QUIRE_REVISIONS_KEPT`).
    pub revisions_kept: u32,
    /// Named after the author in the byline, in order; `None` keeps those it has.
    pub coauthors: Option<&'a [i64]>,
    /// A draft submitted for review (kept from when it first was); publishing clears it.
    pub submitted: bool,
    /// The series it is a part of (inner `None`: none); `None` keeps what it has.
    pub series: Option<Option<&'a crate::domain::SeriesChoice>>,
}

/// Edits the post at `slug`. The slug stays as it is, so links to the post keep working.
/// Returns the post's id, or `None` when there is no such post.
pub async fn update(
    db: &Db,
    slug: &str,
    changes: &PostChanges<'_>,
) -> Result<Option<i64>, UpdatePostError> {
    let mut tx = db.begin_write().await?;
    let result: Result<Vec<i64>, sqlx::Error> = on_tx!(&mut tx, conn => {
        // "Published" keeps the date of a post that is out already, else publishes it now.
        sqlx::query_scalar(
            "UPDATE posts SET title = $1, subtitle = $2, body = $3, cover_url = $4, updated_at = $5,
                 published_at = CASE WHEN $7
                     THEN COALESCE(CASE WHEN published_at <= $5 THEN published_at END, $5)
                     ELSE $8 END,
                 preview_token = COALESCE(preview_token, $9),
                 revision = revision + 1, updated_by = $10,
                 submitted_at = CASE WHEN $12 THEN COALESCE(submitted_at, $5) END
             WHERE slug = $6 AND ($11 IS NULL OR revision = $11)
             RETURNING id",
        )
        .bind(changes.title.as_str())
        .bind(changes.subtitle)
        .bind(changes.body)
        .bind(changes.cover_url)
        .bind(now())
        .bind(slug)
        .bind(changes.publication == Publication::Published)
        .bind(match changes.publication {
            Publication::Scheduled(at) => Some(at),
            Publication::Published | Publication::Draft => None,
        })
        .bind(preview_token())
        .bind(changes.editor_id)
        .bind(changes.base_revision)
        .bind(changes.submitted && changes.publication == Publication::Draft)
        .fetch_all(&mut *conn)
        .await
    });
    match result {
        Ok(ids) => match super::returned(ids) {
            Some(id) => {
                super::tags::set_for_post(&mut tx, id, changes.tags).await?;
                if let Some(coauthors) = changes.coauthors {
                    super::coauthors::set_for_post(&mut tx, id, coauthors).await?;
                }
                if let Some(series) = changes.series {
                    match super::series::set_for_post(&mut tx, id, series).await {
                        Ok(()) => {}
                        Err(SeriesError::SlugTaken(other)) => {
                            return Err(UpdatePostError::SeriesTaken(other))
                        }
                        Err(SeriesError::Db(e)) => return Err(e.into()),
                    }
                }
                super::subscribers::want_newsletter(&mut tx, id, changes.newsletter).await?;
                super::autosaves::discard_in(&mut tx, changes.editor_id, Some(id)).await?;
                super::revisions::record(&mut tx, id, changes.revisions_kept).await?;
                tx.commit().await?;
                Ok(Some(id))
            }
            // Nothing matched: no such post, or one saved since this edit started.
            None => match revision_in(&mut tx, slug).await? {
                Some(_) => Err(UpdatePostError::Stale),
                None => Ok(None),
            },
        },
        Err(e) if unique_violation(&e) == Some("posts_title_key") => {
            Err(UpdatePostError::DuplicateTitle)
        }
        Err(e) => Err(e.into()),
    }
}

async fn revision_in(tx: &mut WriteTx, slug: &str) -> Result<Option<i64>, sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT revision FROM posts WHERE slug = $1")
            .bind(slug)
            .fetch_optional(conn)
            .await
    })
}

/// The latest save of the post at `slug`: its revision, who made it (if known) and when.
#[derive(Debug, sqlx::FromRow)]
pub struct LastSave {
    pub revision: i64,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

pub async fn last_save(db: &Db, slug: &str) -> Result<Option<LastSave>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT p.revision, u.name AS by, p.updated_at AS at
             FROM posts p LEFT JOIN users u ON u.id = p.updated_by
             WHERE p.slug = $1",
        )
        .bind(slug)
        .fetch_optional(pool)
        .await
    })
}

/// Deletes the post at `slug` with its comments — if it is still at `revision`, when given
/// (a writer allowed to delete it as it was). Returns whether it went.
pub async fn delete(db: &Db, slug: &str, revision: Option<i64>) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM posts WHERE slug = $1 AND ($2 IS NULL OR revision = $2)")
            .bind(slug)
            .bind(revision)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

/// The name of the user `id` if they have a post published by `at` — an author page exists
/// only for authors, so it cannot be used to list readers.
pub async fn author_name(
    db: &Db,
    id: i64,
    at: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT u.name FROM users u
             WHERE u.id = $1 AND EXISTS (
                 SELECT 1 FROM posts p
                 WHERE (p.author_id = u.id OR EXISTS (
                         SELECT 1 FROM post_coauthors pc
                         WHERE pc.post_id = p.id AND pc.user_id = u.id))
                   AND p.published_at IS NOT NULL AND p.published_at <= $2)",
        )
        .bind(id)
        .bind(at)
        .fetch_optional(pool)
        .await
    })
}

/// A line of the writers' list of posts.
#[derive(Debug, sqlx::FromRow)]
pub struct DeskRow {
    pub slug: String,
    pub title: String,
    pub author_name: String,
    pub published_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// How many posts the writers' list shows at most.
pub const DESK_LIMIT: i64 = 200;

/// The posts of `user_id` (as author or co-author), or everyone's with `None`: submitted for
/// review first, then drafts, scheduled and published posts, each most recently saved first.
pub async fn desk(db: &Db, user_id: Option<i64>) -> Result<Vec<DeskRow>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT p.slug, p.title, u.name AS author_name, p.published_at, p.submitted_at,
                    p.updated_at
             FROM posts p JOIN users u ON u.id = p.author_id
             WHERE $1 IS NULL OR p.author_id = $1
                OR EXISTS (SELECT 1 FROM post_coauthors pc
                           WHERE pc.post_id = p.id AND pc.user_id = $1)
             ORDER BY CASE WHEN p.published_at IS NULL AND p.submitted_at IS NOT NULL THEN 0
                           WHEN p.published_at IS NULL THEN 1
                           WHEN p.published_at > $2 THEN 2
                           ELSE 3 END,
                      p.updated_at DESC, p.id DESC
             LIMIT $3",
        )
        .bind(user_id)
        .bind(now())
        .bind(DESK_LIMIT)
        .fetch_all(pool)
        .await
    })
}
