-- Bodies written as HTML rather than Markdown: the posts and comments `quire import-flask`
-- brings from a Flask blog, whose CKEditor stored HTML. They stay HTML (a conversion would
-- change how they look) and go through the same allow-list sanitizer when shown.
-- Kept in step with ../postgres/0010_html_bodies.sql.
ALTER TABLE posts ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown'
    CONSTRAINT posts_body_format_check CHECK (body_format IN ('markdown', 'html'));

-- Comments get the same column, and a longer limit for what is stored: a comment typed in
-- Quire is still held to 5,000 characters by the application, but CKEditor's markup can
-- take an imported comment past that. SQLite cannot change a CHECK in place, so the table is
-- rebuilt (the documented way: new table, copy, drop, rename), with its indexes and triggers.
-- No table references comments, so dropping the old one cascades nowhere.
CREATE TABLE comments_new (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body        TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    created_at  TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'visible'
                CONSTRAINT comments_status_check CHECK (status IN ('visible', 'hidden', 'pending')),
    body_format TEXT    NOT NULL DEFAULT 'markdown'
                CONSTRAINT comments_body_format_check CHECK (body_format IN ('markdown', 'html'))
);

INSERT INTO comments_new (id, post_id, author_id, body, created_at, status)
    SELECT id, post_id, author_id, body, created_at, status FROM comments;

DROP TABLE comments;
ALTER TABLE comments_new RENAME TO comments;

CREATE INDEX comments_post_idx ON comments (post_id, created_at, id);
CREATE INDEX comments_author_idx ON comments (author_id);
CREATE INDEX comments_moderation_idx ON comments (created_at DESC, id DESC) WHERE status <> 'visible';

CREATE TRIGGER comments_insert_bumps_version AFTER INSERT ON comments
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER comments_update_bumps_version AFTER UPDATE ON comments
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER comments_delete_bumps_version AFTER DELETE ON comments
BEGIN UPDATE content_version SET version = version + 1; END;
