-- One row per rate-limited subject, written first by every decision about it: the write
-- serializes concurrent decisions for one subject (on SQLite the whole database is locked
-- by BEGIN IMMEDIATE anyway; on PostgreSQL this row lock is what holds across instances),
-- so a limit is read and its event recorded in one step. Kept in step with
-- ../postgres/0011_rate_subjects.sql.
CREATE TABLE rate_subjects (
    scope      TEXT NOT NULL,
    subject    TEXT NOT NULL,
    -- The latest decision; rows untouched for longer than any window are pruned.
    touched_at TEXT NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX rate_subjects_age_idx ON rate_subjects (touched_at);
