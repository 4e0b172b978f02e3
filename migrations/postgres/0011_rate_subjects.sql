-- One row per rate-limited subject, written first by every decision about it: its row lock
-- serializes concurrent decisions for one subject across connections and instances, so a
-- limit is read and its event recorded in one step. Kept in step with
-- ../sqlite/0011_rate_subjects.sql.
CREATE TABLE rate_subjects (
    scope      TEXT        NOT NULL,
    subject    TEXT        NOT NULL,
    -- The latest decision; rows untouched for longer than any window are pruned.
    touched_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX rate_subjects_age_idx ON rate_subjects (touched_at);
