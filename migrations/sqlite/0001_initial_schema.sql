-- The blog's schema, as the Flask blog had it (users, posts, comments), with the constraints
-- that blog relied on its code for. Kept in step with ../postgres/0001_initial_schema.sql:
-- same tables, columns, names and constraints; only the types are spelled per backend.
-- Timestamps are UTC in RFC 3339 text, written by the application (never by a DEFAULT), so
-- both backends store the same values and text order is time order.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- Stored trimmed and lowercased by the application, so uniqueness is case-insensitive.
    email         TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    -- An argon2id PHC string; "!" marks an account that cannot log in with a password.
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'reader' CHECK (role IN ('admin', 'reader')),
    created_at    TEXT    NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    -- Authors are never deleted while they have posts: the blog keeps its history.
    author_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    title         TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    subtitle      TEXT    NOT NULL DEFAULT '' CHECK (length(subtitle) <= 300),
    slug          TEXT    NOT NULL CHECK (length(slug) BETWEEN 1 AND 80),
    -- Markdown source; the HTML is rendered (and sanitized) from it.
    body          TEXT    NOT NULL DEFAULT '',
    cover_url     TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    -- NULL while a draft; a future time means scheduled.
    published_at  TEXT,
    CONSTRAINT posts_title_key UNIQUE (title),
    CONSTRAINT posts_slug_key UNIQUE (slug)
);

-- The home page and feeds: published posts, newest first.
CREATE INDEX posts_published_idx ON posts (published_at DESC, id DESC) WHERE published_at IS NOT NULL;
-- Author pages and the foreign key.
CREATE INDEX posts_author_idx ON posts (author_id, published_at DESC);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    -- A post's comments go with it.
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body        TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at  TEXT    NOT NULL
);

-- A post page lists its comments oldest first.
CREATE INDEX comments_post_idx ON comments (post_id, created_at, id);
-- A user's comments (account page, moderation) and the foreign key.
CREATE INDEX comments_author_idx ON comments (author_id);
