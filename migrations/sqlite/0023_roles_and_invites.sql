-- Roles for a team, posts submitted for review, people removed with their posts kept, and
-- invitations. Kept in step with ../postgres/0023_roles_and_invites.sql.
--
-- SQLite cannot change a CHECK in place, and rebuilding users is out of reach here: sqlx
-- runs a migration in a transaction, where foreign keys cannot be turned off, and dropping
-- the old table would cascade to every table that references it. So the role moves to a
-- new column with the new CHECK, and the old column (whose CHECK goes with it) is dropped;
-- the triggers that name the column are made again around the move.
DROP TRIGGER users_update_bumps_version;
DROP TRIGGER users_update_bumps_auth_version;

ALTER TABLE users RENAME COLUMN role TO old_role;
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'reader'
    CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'editor', 'author', 'contributor', 'reader'));
UPDATE users SET role = old_role;
ALTER TABLE users DROP COLUMN old_role;

CREATE TRIGGER users_update_bumps_version AFTER UPDATE OF name, email, role ON users
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER users_update_bumps_auth_version
    AFTER UPDATE OF name, email, role, password_hash, totp_since ON users
BEGIN UPDATE auth_version SET version = version + 1; END;

-- When an admin removed the person: the account can no longer log in, its address is
-- freed, and its name stays on what it wrote.
ALTER TABLE users ADD COLUMN removed_at TEXT;

-- A draft its writer submitted for review (a contributor cannot publish): cleared when the
-- post is published or sent back to draft.
ALTER TABLE posts ADD COLUMN submitted_at TEXT;

-- Invitations: an admin names an address and a role; a single-use link (only its SHA-256
-- is kept) lets that address make an account with the role, or take the role on an
-- account it has. Used or past `expires_at`, a link does nothing.
CREATE TABLE invites (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    NOT NULL CONSTRAINT invites_token_key UNIQUE,
    email      TEXT    NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    role       TEXT    NOT NULL
               CONSTRAINT invites_role_check
               CHECK (role IN ('admin', 'editor', 'author', 'contributor')),
    invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    used_at    TEXT,
    used_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX invites_pending_idx ON invites (created_at) WHERE used_at IS NULL;

