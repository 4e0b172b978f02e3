-- A counter that moves whenever something an anonymous reader can see changes: posts, their
-- tags, comments, the names and avatars of users, the admin's settings (About page). Each
-- instance keeps rendered pages in memory and reads this one row per request to know whether
-- they are still right, so a change made through any instance — or by hand in SQL, or by an
-- import — reaches the readers of every instance at once. Triggers rather than application
-- code, so that no write path can forget. Kept in step with ../postgres/0009_content_version.sql.
CREATE TABLE content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);

INSERT INTO content_version (id, version) VALUES (1, 0);

CREATE TRIGGER posts_insert_bumps_version AFTER INSERT ON posts
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER posts_update_bumps_version AFTER UPDATE ON posts
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER posts_delete_bumps_version AFTER DELETE ON posts
BEGIN UPDATE content_version SET version = version + 1; END;

CREATE TRIGGER comments_insert_bumps_version AFTER INSERT ON comments
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER comments_update_bumps_version AFTER UPDATE ON comments
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER comments_delete_bumps_version AFTER DELETE ON comments
BEGIN UPDATE content_version SET version = version + 1; END;

CREATE TRIGGER tags_insert_bumps_version AFTER INSERT ON tags
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER tags_update_bumps_version AFTER UPDATE ON tags
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER tags_delete_bumps_version AFTER DELETE ON tags
BEGIN UPDATE content_version SET version = version + 1; END;

CREATE TRIGGER post_tags_insert_bumps_version AFTER INSERT ON post_tags
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER post_tags_update_bumps_version AFTER UPDATE ON post_tags
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER post_tags_delete_bumps_version AFTER DELETE ON post_tags
BEGIN UPDATE content_version SET version = version + 1; END;

CREATE TRIGGER settings_insert_bumps_version AFTER INSERT ON settings
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER settings_update_bumps_version AFTER UPDATE ON settings
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER settings_delete_bumps_version AFTER DELETE ON settings
BEGIN UPDATE content_version SET version = version + 1; END;

-- Registering or changing a password shows nowhere: only what pages print (the name, the
-- avatar made from the email, the role) counts.
CREATE TRIGGER users_update_bumps_version AFTER UPDATE OF name, email, role ON users
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER users_delete_bumps_version AFTER DELETE ON users
BEGIN UPDATE content_version SET version = version + 1; END;
