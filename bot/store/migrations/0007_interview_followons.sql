-- Work that must follow a finished interview, recorded in the same transaction as the finish so
-- that a crash between the two cannot lose it: 'report' (the report reaches the candidate) and
-- 'hooks' (other features' follow-on work, such as planning "practice again"). Each row is
-- completed idempotently, at once or at the next start-up / the candidate's next command.
CREATE TABLE interview_followons (
    session_id INTEGER NOT NULL REFERENCES interview_sessions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('report', 'hooks')),
    created_at TEXT NOT NULL,
    done_at TEXT,
    PRIMARY KEY (session_id, kind)
);
CREATE INDEX interview_followons_pending ON interview_followons(kind, session_id) WHERE done_at IS NULL;
