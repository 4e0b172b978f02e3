-- Site settings the admin edits (the About page's text) and messages sent through the contact
-- form. Kept in step with ../postgres/0003_settings_and_messages.sql.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Every contact message is kept here, whether or not it could also be mailed.
CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email      TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone      TEXT    NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    body       TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at TEXT    NOT NULL,
    -- NULL until the admin has read it.
    read_at    TEXT,
    -- Whether it was handed to the SMTP server.
    mailed     BOOLEAN NOT NULL DEFAULT FALSE
);
-- The inbox lists newest first.
CREATE INDEX messages_created_idx ON messages (created_at DESC, id DESC);
