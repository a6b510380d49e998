-- Initial schema. Times are UTC ISO-8601 text of one fixed width ("2026-11-21T21:00:00.000000+00:00"),
-- so they sort and compare as text.

CREATE TABLE users (
    user_id         INTEGER PRIMARY KEY,            -- Discord user id, or a local id for the terminal
    time_zone       TEXT,                           -- IANA name; NULL until the user sets one
    nudges_enabled  INTEGER,                        -- NULL: default (on once a plan exists); 0/1 explicit
    pending_notice  TEXT,                           -- told to the user at their next command
    created_at      TEXT NOT NULL
);

CREATE TABLE guild_settings (
    guild_id                INTEGER PRIMARY KEY,
    interview_channel_id    INTEGER,
    updated_at              TEXT NOT NULL
);

CREATE TABLE interview_sessions (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id             INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    guild_id            INTEGER,
    channel_id          INTEGER,                    -- thread or DM channel the interview runs in
    script_id           TEXT NOT NULL,
    script_version      TEXT NOT NULL,
    context_json        TEXT NOT NULL,              -- candidate, role, company, interviewers, values...
    status              TEXT NOT NULL CHECK (status IN ('active', 'paused', 'finished', 'abandoned')),
    question_index      INTEGER NOT NULL DEFAULT 0, -- position in the rendered question list
    probe_index         INTEGER NOT NULL DEFAULT 0, -- 0: the question itself, 1..: a follow-up probe
    question_message_id INTEGER,                    -- message carrying the current question's buttons
    report_json         TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    finished_at         TEXT
);
CREATE INDEX interview_sessions_user ON interview_sessions(user_id, created_at);
CREATE INDEX interview_sessions_open ON interview_sessions(status, updated_at)
    WHERE status IN ('active', 'paused');

-- One row per prompt put to the candidate: the question (probe_index 0) or a follow-up probe.
CREATE TABLE answers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id      INTEGER NOT NULL REFERENCES interview_sessions(id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    probe_index     INTEGER NOT NULL DEFAULT 0,
    category        TEXT NOT NULL,
    prompt          TEXT NOT NULL,
    asked_at        TEXT NOT NULL,
    finished_at     TEXT,
    skipped         INTEGER NOT NULL DEFAULT 0,
    metrics_json    TEXT,
    UNIQUE (session_id, question_id, probe_index)
);

-- Each message (or modal submission, or terminal paragraph) that forms part of an answer,
-- committed the moment it arrives.
CREATE TABLE answer_parts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id       INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    source          TEXT NOT NULL,                  -- message | modal | terminal
    source_id       TEXT,                           -- Discord message id, for at-most-once storage
    attachments     TEXT,                           -- JSON list of file names noted with the part
    received_at     TEXT NOT NULL,
    UNIQUE (answer_id, source_id)
);

CREATE TABLE journal_entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    company         TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT '',
    stage           TEXT NOT NULL DEFAULT '',
    interview_at    TEXT,
    interviewers    TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    feedback        TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX journal_entries_user ON journal_entries(user_id, company);

CREATE TABLE followup_plans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    journal_entry_id INTEGER REFERENCES journal_entries(id) ON DELETE SET NULL,
    kind            TEXT NOT NULL,                  -- interview | practice
    guild_id        INTEGER,
    channel_id      INTEGER,                        -- where the plan was made (DM fallback)
    status          TEXT NOT NULL DEFAULT 'active', -- active | done | cancelled
    details_json    TEXT NOT NULL DEFAULT '{}',
    dedupe_key      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL
);

CREATE TABLE nudges (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    plan_id         INTEGER REFERENCES followup_plans(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    payload_json    TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    dedupe_key      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX nudges_due ON nudges(due_at) WHERE status = 'pending';
CREATE INDEX nudges_user ON nudges(user_id, status);

CREATE TABLE checklist_items (
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    checklist_key   TEXT NOT NULL,
    item_id         TEXT NOT NULL,
    done            INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, checklist_key, item_id)
);

CREATE TABLE star_stories (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    skills          TEXT NOT NULL DEFAULT '',
    situation       TEXT NOT NULL DEFAULT '',
    task            TEXT NOT NULL DEFAULT '',
    action          TEXT NOT NULL DEFAULT '',
    result          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX star_stories_user ON star_stories(user_id);

CREATE TABLE bot_meta (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);
