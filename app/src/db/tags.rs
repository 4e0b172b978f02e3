//! Tags on posts (tables `tags` and `post_tags`, migration 0007).

use std::collections::HashMap;

use super::{on_pool, on_tx, Db, WriteTx};
use crate::domain::Tag;

#[derive(sqlx::FromRow)]
struct TagRow {
    post_id: i64,
    slug: String,
    name: String,
}

/// Gives the post exactly `tags` (creating tags not seen before), inside the caller's
/// transaction, so a post is never saved without its tags.
pub async fn set_for_post(tx: &mut WriteTx, post_id: i64, tags: &[Tag]) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM post_tags WHERE post_id = $1")
            .bind(post_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })?;
    for tag in tags {
        on_tx!(tx, conn => {
            sqlx::query("INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
                .bind(&tag.slug)
                .bind(&tag.name)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO post_tags (post_id, tag_id) SELECT $1, id FROM tags WHERE slug = $2
                 ON CONFLICT (post_id, tag_id) DO NOTHING",
            )
            .bind(post_id)
            .bind(&tag.slug)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })?;
    }
    Ok(())
}

/// The tags of each of `post_ids`, by name — one query, however many posts.
pub async fn for_posts(db: &Db, post_ids: &[i64]) -> Result<HashMap<i64, Vec<Tag>>, sqlx::Error> {
    let mut by_post: HashMap<i64, Vec<Tag>> = HashMap::new();
    if post_ids.is_empty() {
        return Ok(by_post);
    }
    let placeholders: Vec<String> = (1..=post_ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT pt.post_id, t.slug, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
         WHERE pt.post_id IN ({}) ORDER BY t.name, t.slug",
        placeholders.join(", ")
    );
    let rows: Vec<TagRow> = on_pool!(db, pool => {
        let mut query = sqlx::query_as(&sql);
        for id in post_ids {
            query = query.bind(id);
        }
        query.fetch_all(pool).await
    })?;
    for row in rows {
        by_post.entry(row.post_id).or_default().push(Tag {
            slug: row.slug,
            name: row.name,
        });
    }
    Ok(by_post)
}

/// The tag with address `slug`, if any post ever carried it.
pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Tag>, sqlx::Error> {
    let row: Option<(String, String)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT slug, name FROM tags WHERE slug = $1")
            .bind(slug)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(slug, name)| Tag { slug, name }))
}

/// The tags of one post.
pub async fn for_post(db: &Db, post_id: i64) -> Result<Vec<Tag>, sqlx::Error> {
    Ok(for_posts(db, &[post_id])
        .await?
        .remove(&post_id)
        .unwrap_or_default())
}
