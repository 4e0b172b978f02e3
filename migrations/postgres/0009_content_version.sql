-- A counter that moves whenever something an anonymous reader can see changes: posts, their
-- tags, comments, the names and avatars of users, the admin's settings (About page). Each
-- instance keeps rendered pages in memory and reads this one row per request to know whether
-- they are still right, so a change made through any instance — or by hand in SQL, or by an
-- import — reaches the readers of every instance at once. Triggers rather than application
-- code, so that no write path can forget. Kept in step with ../sqlite/0009_content_version.sql.
CREATE TABLE content_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);

INSERT INTO content_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_version SET version = version + 1;
    RETURN NULL;
END;
$$;

-- Once per statement: a bulk change moves the counter once. TRUNCATE fires no row triggers,
-- so it is named too.
CREATE TRIGGER posts_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON posts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER comments_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON comments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER tags_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tags
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER post_tags_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON post_tags
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER settings_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
-- Registering or changing a password shows nowhere: only what pages print (the name, the
-- avatar made from the email, the role) counts.
CREATE TRIGGER users_update_bumps_version AFTER UPDATE OF name, email, role ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER users_delete_bumps_version AFTER DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
