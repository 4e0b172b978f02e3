-- Revisions (kept in step with ../postgres/0021_revisions.sql): every save of a post keeps
-- what it saved, so any earlier version can be compared with the current one and restored.
-- `number` is the post's revision it was (posts.revision, migration 0020); only the newest
-- QUIRE_REVISIONS_KEPT of a post are kept.
CREATE TABLE post_revisions (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    -- NULL: saved before revisions were kept by someone not known, or whose account is gone.
    saved_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    saved_at    TEXT NOT NULL,
    title       TEXT NOT NULL,
    subtitle    TEXT NOT NULL,
    cover_url   TEXT,
    body        TEXT NOT NULL,
    body_format TEXT NOT NULL,
    -- The editor's "Tags" field as it was: names separated by commas.
    tags        TEXT NOT NULL,
    CONSTRAINT post_revisions_number_key UNIQUE (post_id, number)
);
CREATE INDEX post_revisions_saved_by_idx ON post_revisions (saved_by);

-- Every post as it is now is its first kept revision.
INSERT INTO post_revisions
    (post_id, number, saved_by, saved_at, title, subtitle, cover_url, body, body_format, tags)
SELECT p.id, p.revision, p.updated_by, p.updated_at, p.title, p.subtitle, p.cover_url, p.body,
       p.body_format,
       COALESCE((SELECT string_agg(t.name, ', ' ORDER BY t.name, t.slug)
                 FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                 WHERE pt.post_id = p.id), '')
FROM posts p;
