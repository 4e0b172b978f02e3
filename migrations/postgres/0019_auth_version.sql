-- A counter that moves whenever a session or what a session knows of its user changes:
-- a session saved or ended, a user renamed, given another role, address, password or
-- two-factor state, or deleted. Each instance keeps the sessions and users it loaded in
-- memory and trusts them only while this counter holds, read once per request together with
-- the content version (migration 0009): so a logout, a role change or a session ended
-- through another instance, a command or by hand in SQL counts from the next request on.
-- Triggers, so that no write path can forget. Kept in step with
-- ../sqlite/0019_auth_version.sql.
CREATE TABLE auth_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);

INSERT INTO auth_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_auth_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_version SET version = version + 1;
    RETURN NULL;
END;
$$;

-- A new session needs nothing: no instance can have kept what did not exist.
CREATE TRIGGER sessions_bump_auth_version AFTER UPDATE OR DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
-- Only the columns a session's user is made of (`SessionUser`): a login noting the last
-- two-factor step used does not empty every instance's memory.
CREATE TRIGGER users_update_bumps_auth_version
    AFTER UPDATE OF name, email, role, password_hash, totp_since ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER users_delete_bumps_auth_version AFTER DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
