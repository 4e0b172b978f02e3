-- Full-text search over posts' title, subtitle and body (the search page): a generated
-- tsvector, weighted so that a word in the title ranks above one in the subtitle, above one in
-- the body, with a GIN index. Being generated, it follows every insert and edit by itself,
-- including those of `quire import` and `copy-data` (which name their columns, so never this
-- one). English stemming: "running" finds "run". The SQLite schema does the same with FTS5
-- (../sqlite/0005_post_search.sql); the two are queried by one function, app::db::search.
ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', subtitle), 'B') ||
    setweight(to_tsvector('english', body), 'C')
) STORED;

CREATE INDEX posts_search_idx ON posts USING GIN (search);
