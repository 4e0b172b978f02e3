-- Mail waiting for the SMTP server: written in the same transaction as what it tells about,
-- deleted never, sent by a background task that claims one row at a time. A restart between
-- "requested" and "sent" loses nothing; a failed send is retried with a growing wait.
-- Kept in step with ../postgres/0012_outbox.sql.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- What the mail is, for the logs and the admin: 'contact', later 'password-reset', …
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    reply_to        TEXT,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT,
    -- The contact message this mail forwards, marked `mailed` once it is sent.
    message_id      INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When it may next be tried. A sender that claims the row moves it forward by a lease,
    -- so a sender that dies mid-send leaves the mail to be tried again, not lost.
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT,
    sent_at         TEXT
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_message_idx ON outbox (message_id);
