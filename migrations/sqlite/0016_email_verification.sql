-- Email verification: a link proves that an account's owner reads its address, before the
-- account may comment (QUIRE_VERIFY_EMAIL) and before a changed address takes effect. Only a
-- SHA-256 of each link's token is kept. Kept in step with ../postgres/0016_email_verification.sql.
ALTER TABLE users ADD COLUMN email_verified_at TEXT;
-- Accounts from before verification existed go on as they were.
UPDATE users SET email_verified_at = created_at;

CREATE TABLE email_links (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Hex SHA-256 of the token.
    token_hash TEXT NOT NULL UNIQUE,
    -- The address the link proves: the account's own, or the one it is changing to.
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX email_links_user_idx ON email_links (user_id);
