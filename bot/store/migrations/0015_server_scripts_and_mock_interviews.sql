-- A server's own interview scripts (issue 17). Every upload is a new version; versions are
-- never removed ("mark, don't delete"), so a session keeps the version it started with even
-- after the script is replaced, disabled or deleted. The status is per version row: the script
-- in use is the latest version whose status is 'active'.
CREATE TABLE server_scripts (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    script_id       TEXT NOT NULL,                  -- the id in the file (script: ...)
    version         INTEGER NOT NULL,               -- 1, 2, ... per (guild, script id)
    title           TEXT NOT NULL,
    stage           TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    questions       INTEGER NOT NULL,
    filename        TEXT NOT NULL,
    source          TEXT NOT NULL,
    digest          TEXT NOT NULL,                  -- the parsed script's version hash
    uploaded_by     INTEGER NOT NULL,
    uploaded_at     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'deleted')),
    updated_at      TEXT NOT NULL,
    UNIQUE (guild_id, script_id, version)
);
CREATE INDEX server_scripts_guild ON server_scripts(guild_id, script_id, version);

-- Mentor and peer mock interviews between two members of a server.
CREATE TABLE mock_settings (
    guild_id            INTEGER PRIMARY KEY,
    request_channel_id  INTEGER,                    -- where /mock request posts
    mentor_role_id      INTEGER,                    -- mentors are named on requests
    moderator_channel_id INTEGER,                   -- where "report to moderators" goes
    updated_at          TEXT NOT NULL
);

CREATE TABLE mock_interviews (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('request', 'pair')),
    status              TEXT NOT NULL CHECK (status IN ('open', 'proposed', 'confirmed', 'running',
                                                        'finished', 'cancelled', 'no_show')),
    candidate_id        INTEGER NOT NULL,
    interviewer_id      INTEGER,                    -- NULL until a request is claimed
    created_by          INTEGER NOT NULL,
    script_key          TEXT NOT NULL,              -- a built-in script id or a server script key
    stage               TEXT NOT NULL,
    role                TEXT NOT NULL DEFAULT '',
    company             TEXT NOT NULL DEFAULT '',
    starts_at           TEXT,                       -- the time proposed or agreed
    proposed_by         INTEGER,
    candidate_ok        INTEGER NOT NULL DEFAULT 0, -- confirmed the time
    interviewer_ok      INTEGER NOT NULL DEFAULT 0,
    request_channel_id  INTEGER,
    request_message_id  INTEGER,
    thread_id           INTEGER,
    voice_channel_id    INTEGER,                    -- a voice channel on request, deleted when empty
    session_id          INTEGER,                    -- the candidate's interview_sessions row
    asked_key           TEXT,                       -- the question last put to the candidate
    ended_by            INTEGER,
    no_show_id          INTEGER,                    -- who did not come
    swapped_from        INTEGER,
    version             INTEGER NOT NULL DEFAULT 0, -- bumped by every write
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX mock_interviews_thread ON mock_interviews(thread_id);
CREATE INDEX mock_interviews_voice ON mock_interviews(voice_channel_id);
CREATE INDEX mock_interviews_candidate ON mock_interviews(candidate_id, status);
CREATE INDEX mock_interviews_interviewer ON mock_interviews(interviewer_id, status);

-- The interviewer's marks: a 1-4 score per rubric point, and a short note, per question.
CREATE TABLE mock_scores (
    mock_id         INTEGER NOT NULL REFERENCES mock_interviews(id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    point           INTEGER NOT NULL,               -- index into the rubric's strong points
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (mock_id, question_id, point)
);
CREATE TABLE mock_notes (
    mock_id         INTEGER NOT NULL REFERENCES mock_interviews(id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    note            TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (mock_id, question_id)
);
