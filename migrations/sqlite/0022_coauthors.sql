-- Co-authors (kept in step with ../postgres/0022_coauthors.sql): people named in a post's
-- byline after its author, in this order, whose author pages and feeds list it too. A
-- co-author whose account is deleted leaves the byline; the post stays.
CREATE TABLE post_coauthors (
    id       INTEGER PRIMARY KEY,
    post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    CONSTRAINT post_coauthors_key UNIQUE (post_id, user_id)
);
-- Author pages: the posts someone co-wrote.
CREATE INDEX post_coauthors_user_idx ON post_coauthors (user_id, post_id);

-- Readers see bylines: a change moves the content version (migration 0009).
CREATE TRIGGER post_coauthors_insert_bumps_version AFTER INSERT ON post_coauthors
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER post_coauthors_update_bumps_version AFTER UPDATE ON post_coauthors
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER post_coauthors_delete_bumps_version AFTER DELETE ON post_coauthors
BEGIN UPDATE content_version SET version = version + 1; END;
