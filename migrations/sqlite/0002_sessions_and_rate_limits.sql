-- Server-side sessions and the events that rate limits count. Kept in step with
-- ../postgres/0002_sessions_and_rate_limits.sql.

-- Sessions, in the layout tower-sessions-sqlx-store reads and writes (created here rather than
-- by the store, so that it is versioned and migrated under the same lock as everything else).
CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY NOT NULL,
    data        BLOB    NOT NULL,
    -- Unix seconds.
    expiry_date INTEGER NOT NULL
);
-- The clean-up task deletes expired sessions.
CREATE INDEX sessions_expiry_idx ON sessions (expiry_date);

-- Rate-limited events: failed logins (per account and per client address) and registrations
-- (per address). Kept in the database so that limits hold across restarts and instances.
CREATE TABLE rate_events (
    id          INTEGER PRIMARY KEY,
    -- What is limited, e.g. 'login-account', 'login-address', 'register-address'.
    scope       TEXT    NOT NULL,
    -- Whom it is limited for: a normalized email or a client address.
    subject     TEXT    NOT NULL,
    occurred_at TEXT    NOT NULL
);
CREATE INDEX rate_events_lookup_idx ON rate_events (scope, subject, occurred_at);
-- Old events are pruned by time.
CREATE INDEX rate_events_age_idx ON rate_events (occurred_at);
