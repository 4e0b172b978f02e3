-- What the account page lists about each logged-in session: when it began and was last used,
-- from which browser and address. Written by the session store whenever a logged-in session
-- is saved; gone with its session. Kept in step with ../postgres/0015_session_devices.sql.
CREATE TABLE session_devices (
    session_id   TEXT    PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- What the account page names the session by: random, never the session id (which is
    -- the cookie's secret), and kept when the session id is replaced.
    handle       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    -- "Firefox on Linux": a family, not the whole User-Agent.
    browser      TEXT    NOT NULL,
    address      TEXT    NOT NULL
);
CREATE INDEX session_devices_user_idx ON session_devices (user_id);
