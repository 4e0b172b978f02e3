-- Private preview links for drafts and scheduled posts: /posts/<slug>?preview=<token> shows an
-- unpublished post to whoever has the link (the admin shares it), and to no one else. The
-- token is random, set by the application for new posts and here for existing ones. Kept in
-- step with ../postgres/0006_post_preview_links.sql.
ALTER TABLE posts ADD COLUMN preview_token TEXT;

UPDATE posts SET preview_token = lower(hex(randomblob(16)));
