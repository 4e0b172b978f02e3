-- Comment moderation. Kept in step with ../sqlite/0004_comment_moderation.sql.
--
-- Every comment is 'visible' (everyone sees it), 'hidden' by the admin (only the admin sees
-- it) or 'pending', held for the admin's approval (only the admin and its author see it).
-- Existing comments stay visible: they take the default. A constant default adds the column
-- without rewriting the table.
ALTER TABLE comments ADD COLUMN status TEXT NOT NULL DEFAULT 'visible'
    CONSTRAINT comments_status_check CHECK (status IN ('visible', 'hidden', 'pending'));

-- The post page keeps reading one post's comments through comments_post_idx (post_id,
-- created_at, id): its rows in display order, no sort, whoever reads; the status only drops
-- some of those rows. What needs a new index is the admin's moderation page: hidden and
-- pending comments of every post, newest first. Partial, so it holds only the few comments
-- that are not visible and costs nothing when a visible one is written.
CREATE INDEX comments_moderation_idx ON comments (created_at DESC, id DESC) WHERE status <> 'visible';
