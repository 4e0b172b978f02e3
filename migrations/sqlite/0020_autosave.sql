-- Work that is never lost (kept in step with ../postgres/0020_autosave.sql):
--
-- A post's revision: 1 when written, one more at every save. The editor sends the revision
-- it started from, and a save made from an older one is refused rather than overwriting
-- what someone else saved meanwhile.
ALTER TABLE posts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1);
-- Who saved it last (NULL for posts saved before this migration, or whose editor is gone):
-- named when a save is refused.
ALTER TABLE posts ADD COLUMN updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX posts_updated_by_idx ON posts (updated_by);

-- What the editor was showing, saved every few seconds while someone types: one copy per
-- person and post (post_id NULL: a new post not yet saved), offered back when they open the
-- editor again, and dropped when they save or discard it.
CREATE TABLE post_autosaves (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id       INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    -- The post's revision the text started from (NULL for a new post).
    base_revision INTEGER,
    title         TEXT    NOT NULL,
    subtitle      TEXT    NOT NULL,
    cover_url     TEXT    NOT NULL,
    tags          TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    saved_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX post_autosaves_key ON post_autosaves (user_id, COALESCE(post_id, 0));
CREATE INDEX post_autosaves_post_idx ON post_autosaves (post_id);
