//! Co-authors (table `post_coauthors`, migration 0022): named in a post's byline after its
//! author.
//!
//! Queries that show posts read them with [`COLUMN`], one more column of the post's own row
//! (`string_agg … ORDER BY`: PostgreSQL, and SQLite since 3.44), so no listing needs a second
//! query for them.

use super::{on_pool, on_tx, Db, WriteTx};
use crate::domain::{Author, Email};

/// The co-authors of the post `p` as "id TAB name" lines, in byline order: `coauthors`.
pub const COLUMN: &str =
    "COALESCE((SELECT string_agg(CAST(cu.id AS TEXT) || '\t' || cu.name, '\n' \
     ORDER BY pc.position) FROM post_coauthors pc JOIN users cu ON cu.id = pc.user_id \
     WHERE pc.post_id = p.id), '') AS coauthors";

/// The co-authors [`COLUMN`] read. (Names hold no tabs or line breaks: `UserName` refuses
/// control characters.)
pub fn parse(column: &str) -> Vec<Author> {
    column
        .lines()
        .filter_map(|line| {
            let (id, name) = line.split_once('\t')?;
            Some(Author {
                id: id.parse().ok()?,
                name: name.to_owned(),
            })
        })
        .collect()
}

/// Makes `user_ids` the post's co-authors, in this order.
pub async fn set_for_post(
    tx: &mut WriteTx,
    post_id: i64,
    user_ids: &[i64],
) -> Result<(), sqlx::Error> {
    on_tx!(&mut *tx, conn => {
        sqlx::query("DELETE FROM post_coauthors WHERE post_id = $1")
            .bind(post_id)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })?;
    for (position, user_id) in user_ids.iter().enumerate() {
        on_tx!(&mut *tx, conn => {
            sqlx::query("INSERT INTO post_coauthors (post_id, user_id, position) VALUES ($1, $2, $3)")
                .bind(post_id)
                .bind(user_id)
                .bind(position as i64)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })?;
    }
    Ok(())
}

/// The post `post_id`'s co-authors' emails, in byline order: the editor's field.
pub async fn emails_for_post(db: &Db, post_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT u.email FROM post_coauthors pc JOIN users u ON u.id = pc.user_id
             WHERE pc.post_id = $1 ORDER BY pc.position",
        )
        .bind(post_id)
        .fetch_all(pool)
        .await
    })
}

/// The account with each of `emails`, in order: `Err` names the first address no account has.
pub async fn accounts(db: &Db, emails: &[Email]) -> Result<Result<Vec<i64>, String>, sqlx::Error> {
    let mut ids = Vec::with_capacity(emails.len());
    for email in emails {
        let id: Option<i64> = on_pool!(db, pool => {
            sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(email.as_str())
                .fetch_optional(pool)
                .await
        })?;
        match id {
            Some(id) => ids.push(id),
            None => return Ok(Err(email.as_str().to_owned())),
        }
    }
    Ok(Ok(ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_reads_back_in_order() {
        let authors = parse("7\tAda Lovelace\n3\tBob");
        assert_eq!(authors.len(), 2);
        assert_eq!(
            (authors[0].id, authors[0].name.as_str()),
            (7, "Ada Lovelace")
        );
        assert_eq!(authors[1].name, "Bob");
        assert!(parse("").is_empty());
    }
}
