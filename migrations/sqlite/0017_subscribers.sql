-- Subscribers: addresses that get new posts by mail, after confirming a link (double opt-in);
-- which posts are to be mailed; and which post went to whom. Kept in step with
-- ../postgres/0017_subscribers.sql.
CREATE TABLE subscribers (
    id                 INTEGER PRIMARY KEY,
    -- As `Email::parse` makes it (lowercased).
    email              TEXT    NOT NULL UNIQUE,
    -- 'pending' (a confirmation link is out), 'confirmed', 'unsubscribed' or 'bouncing'.
    status             TEXT    NOT NULL,
    -- Hex SHA-256 of the pending confirmation link's token.
    confirm_token_hash TEXT    UNIQUE,
    confirm_expires_at TEXT,
    -- Permanent delivery failures in a row; at QUIRE_NEWSLETTER_BOUNCES the address is bouncing.
    bounces            INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL,
    confirmed_at       TEXT,
    unsubscribed_at    TEXT
);
CREATE INDEX subscribers_status_idx ON subscribers (status);

-- A post to mail to the subscribers once it is out ('wanted'), or mailed ('queued').
CREATE TABLE post_newsletters (
    post_id   INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    state     TEXT NOT NULL,
    queued_at TEXT
);

-- One mail of a post to one subscriber. Unique: a post is never queued twice for an address,
-- whatever crashes or instances. Its unsubscribe link's token is kept as a hash.
CREATE TABLE post_mailings (
    id                     INTEGER PRIMARY KEY,
    post_id                INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    subscriber_id          INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    outbox_id              INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    unsubscribe_token_hash TEXT    NOT NULL UNIQUE,
    CONSTRAINT post_mailings_once UNIQUE (post_id, subscriber_id)
);
CREATE INDEX post_mailings_subscriber_idx ON post_mailings (subscriber_id);
CREATE INDEX post_mailings_outbox_idx ON post_mailings (outbox_id);

-- The unsubscribe address a mail carries in its List-Unsubscribe header (RFC 8058).
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
