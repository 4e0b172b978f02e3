-- Addresses a post had on the blog it was imported from (WordPress' /2024/05/slug/ and
-- /?p=123, Ghost's /slug/), answered with a permanent redirect to the post. Kept in step
-- with ../postgres/0018_old_addresses.sql.
CREATE TABLE old_addresses (
    id      INTEGER PRIMARY KEY,
    -- A path with its query, percent-decoded, without a trailing slash: '/2024/05/hello',
    -- '/?p=123'.
    address TEXT    NOT NULL UNIQUE,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE
);
CREATE INDEX old_addresses_post_idx ON old_addresses (post_id);
