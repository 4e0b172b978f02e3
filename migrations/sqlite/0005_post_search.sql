-- Full-text search over posts' title, subtitle and body (the search page). An external-content
-- FTS5 table holds only the index — the text stays in `posts` — and triggers keep it in step
-- with every insert, edit and delete, including those of `quire import` and `copy-data`.
-- Porter stemming over unicode61 without diacritics: "running" finds "run", "cafe" finds
-- "café". The PostgreSQL schema does the same with a generated tsvector
-- (../postgres/0005_post_search.sql); the two are queried by one function, app::db::search.
CREATE VIRTUAL TABLE posts_fts USING fts5(
    title, subtitle, body,
    content = 'posts', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO posts_fts (rowid, title, subtitle, body) SELECT id, title, subtitle, body FROM posts;

CREATE TRIGGER posts_fts_after_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, title, subtitle, body)
    VALUES (new.id, new.title, new.subtitle, new.body);
END;

CREATE TRIGGER posts_fts_after_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, subtitle, body)
    VALUES ('delete', old.id, old.title, old.subtitle, old.body);
END;

CREATE TRIGGER posts_fts_after_update AFTER UPDATE OF title, subtitle, body ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, subtitle, body)
    VALUES ('delete', old.id, old.title, old.subtitle, old.body);
    INSERT INTO posts_fts (rowid, title, subtitle, body)
    VALUES (new.id, new.title, new.subtitle, new.body);
END;
