-- Invite-only jobs (issue 5): a closed job answers workers only with a valid invite token.

ALTER TABLE jobs ADD COLUMN requires_invite INTEGER NOT NULL DEFAULT 0 CHECK (requires_invite IN (0, 1));

-- One row per invite. Only the SHA-256 of the token is kept. The first worker id that uses an invite is bound
-- to it; after that the invite works for that worker only.
CREATE TABLE invites (
    id           INTEGER PRIMARY KEY,
    job_id       INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    token_sha256 TEXT    NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    worker_id    TEXT,
    created_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE INDEX invites_by_job ON invites (job_id);
