//! Comments on posts, and their moderation.

use chrono::{DateTime, Utc};

use super::{now, on_pool, on_tx, Db, WriteTx};
use crate::domain::{BodyFormat, CommentStatus, ModerationAction};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRecord {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub body_format: BodyFormat,
    pub created_at: DateTime<Utc>,
    status: String,
    /// The comment it answers (one level: always one that answers none).
    pub parent_id: Option<i64>,
}

impl CommentRecord {
    pub fn status(&self) -> CommentStatus {
        stored_status(&self.status)
    }
}

/// A status read back. The CHECK constraint admits only the three names; were another to
/// appear anyway, the comment counts as hidden, the status that shows it to the fewest.
fn stored_status(raw: &str) -> CommentStatus {
    CommentStatus::parse(raw).unwrap_or(CommentStatus::Hidden)
}

/// Who reads a post's comments, which decides the ones they get (the rule of
/// [`CommentStatus::shown_to`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// Nobody logged in.
    Visitor,
    /// A logged-in reader, by id: they also get their own pending comments.
    Reader(i64),
    /// Editors and admins get every comment.
    Moderator,
}

/// How many comments a post page shows at a time.
pub const COMMENTS_PER_PAGE: i64 = 50;

/// One page of a post's comments, as [`page_for_post`] reads it.
pub struct CommentPage {
    /// Oldest first, each followed by its replies (oldest first).
    pub comments: Vec<CommentRecord>,
    /// Whether older comments are on the next page.
    pub earlier: bool,
    /// The post's visible comments, on every page.
    pub visible_total: i64,
}

#[derive(sqlx::FromRow)]
struct PagedRecord {
    #[sqlx(flatten)]
    record: CommentRecord,
    visible_total: i64,
}

/// Page `page` (1: the newest) of the comments `viewer` may see on a post: the
/// [`COMMENTS_PER_PAGE`] newest comments that answer none, then the ones before them, and so
/// on — each page oldest first with each comment's replies under it, so the newest comment
/// is always on page 1, just above the comment form. One query (the visible count rides
/// along), however many comments the post has; the page's comments come through
/// `comments_post_idx` newest first, their replies through `comments_parent_idx`.
pub async fn page_for_post(
    db: &Db,
    post_id: i64,
    viewer: Viewer,
    page: u32,
) -> Result<CommentPage, sqlx::Error> {
    let (is_admin, reader_id) = match viewer {
        Viewer::Visitor => (false, None),
        Viewer::Reader(id) => (false, Some(id)),
        Viewer::Moderator => (true, None),
    };
    let offset = i64::from(page.max(1) - 1) * COMMENTS_PER_PAGE;
    let rows: Vec<PagedRecord> = on_pool!(db, pool => {
        sqlx::query_as(
            "WITH page AS (
                 SELECT c.id FROM comments c
                 WHERE c.post_id = $1 AND c.parent_id IS NULL
                   AND (c.status = 'visible' OR $2 OR (c.status = 'pending' AND c.author_id = $3))
                 ORDER BY c.created_at DESC, c.id DESC
                 LIMIT $4 OFFSET $5)
             SELECT c.id, c.author_id, u.name AS author_name, u.email AS author_email, c.body,
                    c.body_format, c.created_at, c.status, c.parent_id,
                    (SELECT COUNT(*) FROM comments v
                     WHERE v.post_id = $1 AND v.status = 'visible') AS visible_total
             FROM comments c JOIN users u ON u.id = c.author_id
             WHERE c.post_id = $1
               AND (c.id IN (SELECT id FROM page) OR c.parent_id IN (SELECT id FROM page))
               AND (c.status = 'visible' OR $2 OR (c.status = 'pending' AND c.author_id = $3))",
        )
        .bind(post_id)
        .bind(is_admin)
        .bind(reader_id)
        .bind(COMMENTS_PER_PAGE + 1)
        .bind(offset)
        .fetch_all(pool)
        .await
    })?;
    let visible_total = match rows.first() {
        Some(row) => row.visible_total,
        // Every visible comment would be on page 1: there are none.
        None if offset == 0 => 0,
        // Past the last page (a link to a page that comments were deleted from).
        None => on_pool!(db, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM comments WHERE post_id = $1 AND status = 'visible'",
            )
            .bind(post_id)
            .fetch_one(pool)
            .await
        })?,
    };
    let (comments, earlier) = threads(rows.into_iter().map(|row| row.record).collect());
    Ok(CommentPage {
        comments,
        earlier,
        visible_total,
    })
}

/// Puts a page's rows in display order: the [`COMMENTS_PER_PAGE`] newest comments that
/// answer none, oldest first, each followed by its replies, oldest first. Also says whether
/// there was one more (older comments on the next page).
fn threads(rows: Vec<CommentRecord>) -> (Vec<CommentRecord>, bool) {
    let order = |c: &CommentRecord| (c.created_at, c.id);
    let (mut tops, mut replies): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|c| c.parent_id.is_none());
    tops.sort_by_key(|c| std::cmp::Reverse(order(c)));
    let earlier = tops.len() as i64 > COMMENTS_PER_PAGE;
    tops.truncate(COMMENTS_PER_PAGE as usize);
    tops.reverse();
    replies.sort_by_key(order);
    let mut ordered = Vec::with_capacity(tops.len() + replies.len());
    for top in tops {
        let id = top.id;
        ordered.push(top);
        ordered.extend(replies.iter().filter(|r| r.parent_id == Some(id)).cloned());
    }
    (ordered, earlier)
}

/// The comment a reply answers, as a reply needs it: which thread it opens (itself, or the
/// comment it answers in turn), on which post, and whether the replier may see it.
#[derive(Debug, sqlx::FromRow)]
pub struct ReplyTarget {
    /// The comment that opens the thread: replies are one level deep.
    pub thread_id: i64,
    pub post_slug: String,
    pub author_id: i64,
    status: String,
}

impl ReplyTarget {
    pub fn status(&self) -> CommentStatus {
        stored_status(&self.status)
    }
}

pub async fn reply_target(db: &Db, id: i64) -> Result<Option<ReplyTarget>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT COALESCE(c.parent_id, c.id) AS thread_id, p.slug AS post_slug,
                    c.author_id, c.status
             FROM comments c JOIN posts p ON p.id = c.post_id
             WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })
}

/// A reply's notice to the author of the comment it answers.
#[derive(Debug, sqlx::FromRow)]
pub struct ReplyNotice {
    pub reply_id: i64,
    pub replier: String,
    pub body: String,
    pub post_slug: String,
    pub post_title: String,
    pub recipient_name: String,
    pub recipient_email: String,
}

/// Marks the reply `id`'s notice as done, once it is visible, and returns what its mail
/// needs if the author of the comment it answers asked for such mail (and is not the one who
/// replied): the mail is queued in the same transaction, so a reply is noticed at most once.
pub async fn claim_reply_notice(
    tx: &mut WriteTx,
    id: i64,
) -> Result<Option<ReplyNotice>, sqlx::Error> {
    let claimed: Vec<i64> = on_tx!(&mut *tx, conn => {
        sqlx::query_scalar(
            "UPDATE comments SET reply_notified_at = $2
             WHERE id = $1 AND parent_id IS NOT NULL AND status = 'visible'
               AND reply_notified_at IS NULL
             RETURNING id",
        )
        .bind(id)
        .bind(now())
        .fetch_all(&mut *conn)
        .await
    })?;
    if claimed.is_empty() {
        return Ok(None);
    }
    on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT r.id AS reply_id, ru.name AS replier, r.body, p.slug AS post_slug,
                    p.title AS post_title, pu.name AS recipient_name,
                    pu.email AS recipient_email
             FROM comments r
             JOIN comments pc ON pc.id = r.parent_id
             JOIN users ru ON ru.id = r.author_id
             JOIN users pu ON pu.id = pc.author_id
             JOIN posts p ON p.id = r.post_id
             WHERE r.id = $1 AND pu.notify_replies AND pu.id <> r.author_id
               AND pu.removed_at IS NULL",
        )
        .bind(id)
        .fetch_optional(conn)
        .await
    })
}

/// Adds a comment in `status` to the post at `slug`, answering the comment `parent_id` (one
/// that answers none, on the same post) if given. Returns `None` when there is no such post,
/// or no such comment on it any more.
pub async fn create(
    db: &Db,
    slug: &str,
    author_id: i64,
    body: &str,
    status: CommentStatus,
    parent_id: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "INSERT INTO comments (post_id, author_id, body, created_at, status, parent_id)
             SELECT p.id, $2, $3, $4, $5, $6 FROM posts p
             WHERE p.slug = $1
               AND ($6 IS NULL OR EXISTS (SELECT 1 FROM comments pc
                    WHERE pc.id = $6 AND pc.post_id = p.id AND pc.parent_id IS NULL))
             RETURNING id",
        )
        .bind(slug)
        .bind(author_id)
        .bind(body)
        .bind(now())
        .bind(status.as_str())
        .bind(parent_id)
        .fetch_all(pool)
        .await
        .map(super::returned)
    })
}

/// Deletes a comment if `user_id` wrote it or `is_admin`; the rule is in the SQL, so no
/// comment can be deleted by anyone else. Returns whether one was deleted.
pub async fn delete(db: &Db, id: i64, user_id: i64, is_admin: bool) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM comments WHERE id = $1 AND (author_id = $2 OR $3)")
            .bind(id)
            .bind(user_id)
            .bind(is_admin)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })
}

/// Whether a comment with `id` exists (to tell "not yours" from "not there").
pub async fn exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM comments WHERE id = $1)")
            .bind(id)
            .fetch_one(pool)
            .await
    })
}

/// Who has a comment they would see on the post at `slug` as no one else does: a visible one
/// (with its Delete button) or one awaiting approval (shown to them alone). Their pages of
/// that post are theirs alone, not the one every reader shares. Ascending ids.
pub async fn commenters_on_post(db: &Db, slug: &str) -> Result<Vec<i64>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT DISTINCT c.author_id FROM comments c JOIN posts p ON p.id = c.post_id
             WHERE p.slug = $1 AND c.status IN ('visible', 'pending')
             ORDER BY c.author_id",
        )
        .bind(slug)
        .fetch_all(pool)
        .await
    })
}

/// What became of a moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderated {
    /// The comment is now in the action's target status.
    Done,
    /// The action does not apply to the comment's status (it is in this one).
    NotApplicable(CommentStatus),
    /// There is no such comment.
    Missing,
}

/// Applies `action` to comment `id`. The statuses it applies to are in the `UPDATE`'s
/// condition, so a comment whose status changed in between is never moved by a stale button.
pub async fn moderate(
    db: &Db,
    id: i64,
    action: ModerationAction,
) -> Result<Moderated, sqlx::Error> {
    // At most three statuses: unused slots repeat the first, which changes nothing.
    let from = action.applies_to();
    let from_slot = |i: usize| from.get(i).unwrap_or(&from[0]).as_str();
    let updated = on_pool!(db, pool => {
        sqlx::query("UPDATE comments SET status = $2 WHERE id = $1 AND status IN ($3, $4, $5)")
            .bind(id)
            .bind(action.target().as_str())
            .bind(from_slot(0))
            .bind(from_slot(1))
            .bind(from_slot(2))
            .execute(pool)
            .await
            .map(|r| r.rows_affected() > 0)
    })?;
    if updated {
        return Ok(Moderated::Done);
    }
    let current: Option<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT status FROM comments WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(match current {
        Some(status) => Moderated::NotApplicable(stored_status(&status)),
        None => Moderated::Missing,
    })
}

#[derive(Debug, sqlx::FromRow)]
pub struct QueuedRecord {
    pub post_slug: String,
    pub post_title: String,
    #[sqlx(flatten)]
    pub comment: CommentRecord,
}

/// The most comments the moderation page lists at once.
pub const QUEUE_LIMIT: i64 = 200;

/// Hidden and pending comments on every post, newest first (`comments_moderation_idx`).
pub async fn moderation_queue(db: &Db) -> Result<Vec<QueuedRecord>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT p.slug AS post_slug, p.title AS post_title, c.id, c.author_id,
                    u.name AS author_name, u.email AS author_email, c.body, c.body_format,
                    c.created_at, c.status, c.parent_id
             FROM comments c
             JOIN posts p ON p.id = c.post_id
             JOIN users u ON u.id = c.author_id
             WHERE c.status <> 'visible'
             ORDER BY c.created_at DESC, c.id DESC
             LIMIT $1",
        )
        .bind(QUEUE_LIMIT)
        .fetch_all(pool)
        .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, minute: u32, parent_id: Option<i64>) -> CommentRecord {
        use chrono::TimeZone;
        CommentRecord {
            id,
            author_id: 1,
            author_name: "A".into(),
            author_email: "a@example.com".into(),
            body: String::new(),
            body_format: BodyFormat::Markdown,
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, minute, 0).unwrap(),
            status: "visible".into(),
            parent_id,
        }
    }

    #[test]
    fn a_page_is_its_threads_oldest_first_each_with_its_replies() {
        let rows = vec![
            record(4, 4, Some(1)),
            record(3, 3, None),
            record(1, 1, None),
            record(2, 2, Some(1)),
            record(5, 5, Some(3)),
        ];
        let (ordered, earlier) = threads(rows);
        let ids: Vec<i64> = ordered.iter().map(|c| c.id).collect();
        assert_eq!(ids, [1, 2, 4, 3, 5]);
        assert!(!earlier);
        let many = (1..=COMMENTS_PER_PAGE + 1)
            .map(|id| record(id, 0, None))
            .collect();
        let (page, earlier) = threads(many);
        assert!(earlier, "one more than a page: older ones follow");
        assert_eq!(page.len() as i64, COMMENTS_PER_PAGE);
        assert_eq!(
            page.last().unwrap().id,
            COMMENTS_PER_PAGE + 1,
            "the newest last"
        );
    }

    #[test]
    fn an_unknown_stored_status_shows_the_comment_to_the_fewest() {
        assert_eq!(stored_status("visible"), CommentStatus::Visible);
        assert_eq!(stored_status("pending"), CommentStatus::Pending);
        assert_eq!(stored_status("spam"), CommentStatus::Hidden);
    }
}
