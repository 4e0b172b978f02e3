-- Pages (kept in step with ../postgres/0026_pages.sql): standalone pages such as About or
-- Colophon, written by an admin in Markdown, in the admin's order, shown in the navigation
-- unless `in_nav` says not.
CREATE TABLE pages (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    slug       TEXT    NOT NULL CHECK (length(slug) BETWEEN 1 AND 80),
    body       TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    in_nav     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    CONSTRAINT pages_title_key UNIQUE (title),
    CONSTRAINT pages_slug_key UNIQUE (slug)
);

-- Readers see pages and the navigation: a change moves the content version (0009).
CREATE TRIGGER pages_insert_bumps_version AFTER INSERT ON pages
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER pages_update_bumps_version AFTER UPDATE ON pages
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER pages_delete_bumps_version AFTER DELETE ON pages
BEGIN UPDATE content_version SET version = version + 1; END;
