-- Replies (kept in step with ../postgres/0024_replies.sql): a comment may answer another
-- on the same post, one level deep (a reply to a reply answers the first comment), and is
-- shown under it. Deleting a comment deletes its replies. Whoever opted in
-- (users.notify_replies) is mailed once when a reply to them becomes visible
-- (comments.reply_notified_at records that it was).
ALTER TABLE comments ADD COLUMN parent_id INTEGER REFERENCES comments (id) ON DELETE CASCADE;
ALTER TABLE comments ADD COLUMN reply_notified_at TEXT;
CREATE INDEX comments_parent_idx ON comments (parent_id) WHERE parent_id IS NOT NULL;

ALTER TABLE users ADD COLUMN notify_replies BOOLEAN NOT NULL DEFAULT FALSE;
