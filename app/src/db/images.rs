//! Uploaded images, kept in the database (BLOB on SQLite, BYTEA on PostgreSQL) under the
//! SHA-256 of their bytes.

use super::{now, on_pool, on_tx, Db, WriteTx};

/// An image checked at upload: `content_type` is the sniffed one.
pub struct NewImage<'a> {
    pub sha256: &'a str,
    pub content_type: &'static str,
    pub bytes: &'a [u8],
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub uploader_id: i64,
}

/// What is served for an image's address.
#[derive(sqlx::FromRow)]
pub struct ImageFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Stores an image unless one with the same bytes is there already. Returns whether it was
/// new: uploading a file twice stores it once, and both uploads get the same address.
pub async fn store(db: &Db, image: &NewImage<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let new = store_in(&mut tx, image).await?;
    tx.commit().await?;
    Ok(new)
}

/// [`store`], inside a transaction of the caller's (an import's).
pub async fn store_in(tx: &mut WriteTx, image: &NewImage<'_>) -> Result<bool, sqlx::Error> {
    let size = i64::try_from(image.bytes.len()).unwrap_or(i64::MAX);
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO images (sha256, content_type, bytes, byte_size, width, height, uploader_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(image.sha256)
        .bind(image.content_type)
        .bind(image.bytes)
        .bind(size)
        .bind(image.width.map(i64::from))
        .bind(image.height.map(i64::from))
        .bind(image.uploader_id)
        .bind(now())
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}

/// The image with this hash, if there is one.
pub async fn by_hash(db: &Db, sha256: &str) -> Result<Option<ImageFile>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT content_type, bytes FROM images WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(pool)
            .await
    })
}
