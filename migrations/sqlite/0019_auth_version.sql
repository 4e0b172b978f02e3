-- A counter that moves whenever a session or what a session knows of its user changes:
-- a session saved or ended, a user renamed, given another role, address, password or
-- two-factor state, or deleted. Each instance keeps the sessions and users it loaded in
-- memory and trusts them only while this counter holds, read once per request together with
-- the content version (migration 0009): so a logout, a role change or a session ended by a
-- command or by hand in SQL counts from the next request on. Triggers, so that no write path
-- can forget. Kept in step with ../postgres/0019_auth_version.sql.
CREATE TABLE auth_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);

INSERT INTO auth_version (id, version) VALUES (1, 0);

-- A new session needs nothing: no instance can have kept what did not exist.
CREATE TRIGGER sessions_update_bumps_auth_version AFTER UPDATE ON sessions
BEGIN UPDATE auth_version SET version = version + 1; END;
CREATE TRIGGER sessions_delete_bumps_auth_version AFTER DELETE ON sessions
BEGIN UPDATE auth_version SET version = version + 1; END;
-- Only the columns a session's user is made of (`SessionUser`): a login noting the last
-- two-factor step used does not empty every instance's memory.
CREATE TRIGGER users_update_bumps_auth_version
    AFTER UPDATE OF name, email, role, password_hash, totp_since ON users
BEGIN UPDATE auth_version SET version = version + 1; END;
CREATE TRIGGER users_delete_bumps_auth_version AFTER DELETE ON users
BEGIN UPDATE auth_version SET version = version + 1; END;
