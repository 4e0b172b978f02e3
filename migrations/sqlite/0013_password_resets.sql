-- Password-reset links: only a SHA-256 of each token is kept (the token itself is in the mail
-- and nowhere else), each valid for 30 minutes and once. A newer request, a use, or a changed
-- password deletes an account's tokens. Kept in step with ../postgres/0013_password_resets.sql.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Hex SHA-256 of the token.
    token_hash TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
