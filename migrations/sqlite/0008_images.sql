-- Images the admin uploads in the editor (covers and pictures in post bodies), kept in the
-- database itself so that a redeploy on a host with an ephemeral disk loses none of them, and
-- backups and `quire copy-data` carry them with everything else. Kept in step with
-- ../postgres/0008_images.sql.
--
-- An image is addressed by the SHA-256 of its bytes (/images/<sha256>.<ext>): the same file
-- uploaded twice is stored once, and its address never changes, so it is cached for a year.
-- The type is the one sniffed from the bytes at upload (never the file name or the client's
-- word), limited to the raster formats browsers show without running anything.
CREATE TABLE images (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT    NOT NULL CHECK (length(sha256) = 64),
    content_type  TEXT    NOT NULL
                  CHECK (content_type IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    bytes         BLOB    NOT NULL,
    -- length(bytes), kept so listings and checks need not read the blob.
    byte_size     INTEGER NOT NULL CHECK (byte_size > 0),
    -- Read from the file's header when it could be; NULL otherwise.
    width         INTEGER,
    height        INTEGER,
    -- Who uploaded it; images stay when their uploader's account goes.
    uploader_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT    NOT NULL,
    CONSTRAINT images_sha256_key UNIQUE (sha256)
);
