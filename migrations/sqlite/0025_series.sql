-- Series (kept in step with ../postgres/0025_series.sql): posts grouped in an order, each
-- one "Part 2 of 5" with links to the parts before and after it. A series is named in the
-- editor (a new name makes it); its parts are the posts that name it, in `series_position`
-- order (published ones count). A series no post names any more stays, empty and unlisted.
CREATE TABLE series (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    slug       TEXT    NOT NULL CHECK (length(slug) BETWEEN 1 AND 80),
    created_at TEXT    NOT NULL,
    CONSTRAINT series_title_key UNIQUE (title),
    CONSTRAINT series_slug_key UNIQUE (slug)
);

ALTER TABLE posts ADD COLUMN series_id INTEGER REFERENCES series (id) ON DELETE SET NULL;
ALTER TABLE posts ADD COLUMN series_position INTEGER;
CREATE INDEX posts_series_idx ON posts (series_id, series_position) WHERE series_id IS NOT NULL;

-- Readers see series names: a change moves the content version (migration 0009).
CREATE TRIGGER series_insert_bumps_version AFTER INSERT ON series
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER series_update_bumps_version AFTER UPDATE ON series
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER series_delete_bumps_version AFTER DELETE ON series
BEGIN UPDATE content_version SET version = version + 1; END;
