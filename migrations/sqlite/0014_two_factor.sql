-- Two-factor sign-in (RFC 6238). The secret must be read back to check codes, so it cannot
-- be hashed; recovery codes are only ever checked, so only their SHA-256 is kept. Kept in
-- step with ../postgres/0014_two_factor.sql.
-- Base32 secret while enrolling (shown, not yet confirmed by a first code).
ALTER TABLE users ADD COLUMN totp_pending TEXT;
-- Base32 secret once confirmed; NULL: two-factor sign-in is off.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- When it was turned on: part of what binds a session, so turning it on or off ends the
-- account's other sessions.
ALTER TABLE users ADD COLUMN totp_since TEXT;
-- The last 30-second step a code was accepted for: a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Hex SHA-256 of the code as shown (lowercase, with its dash).
    code_hash TEXT    NOT NULL,
    used_at   TEXT
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id);
