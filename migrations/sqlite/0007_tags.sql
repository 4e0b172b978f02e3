-- Tags on posts: a post carries any number (the editor allows ten), a tag page lists its
-- posts. A tag is stored once, by its address form (`slug`, e.g. "web-dev") with the name as
-- first typed ("Web dev"). `post_tags` has its own id only so that backups and `copy-data`
-- can read it in key order like every other table. Kept in step with ../postgres/0007_tags.sql.
CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    slug TEXT    NOT NULL CHECK (length(slug) BETWEEN 1 AND 40),
    name TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    CONSTRAINT tags_slug_key UNIQUE (slug)
);

CREATE TABLE post_tags (
    id      INTEGER PRIMARY KEY,
    -- A post's tags go with it; a tag is never deleted while posts carry it.
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE RESTRICT,
    CONSTRAINT post_tags_post_tag_key UNIQUE (post_id, tag_id)
);

-- A tag page: the posts carrying a tag. (A post's tags use the unique constraint's index.)
CREATE INDEX post_tags_tag_idx ON post_tags (tag_id, post_id);
