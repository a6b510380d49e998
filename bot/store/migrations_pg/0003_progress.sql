-- Twin of SQLite's 0014_progress.sql: progress across interviews (issue 15). REAL is DOUBLE
-- PRECISION here (SQLite's REAL is an 8-byte float; PostgreSQL's real is 4 bytes).
CREATE TABLE interview_scores (
    session_id      BIGINT PRIMARY KEY REFERENCES interview_sessions(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    script_id       TEXT NOT NULL,
    practice        BIGINT NOT NULL DEFAULT 0,
    overall         DOUBLE PRECISION NOT NULL,
    dimensions_json TEXT NOT NULL DEFAULT '{}',
    finished_at     TEXT NOT NULL
);
CREATE INDEX interview_scores_user ON interview_scores(user_id, practice, session_id);

CREATE TABLE question_attempts (
    session_id      BIGINT NOT NULL REFERENCES interview_sessions(id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    user_id         BIGINT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    script_id       TEXT NOT NULL,
    practice        BIGINT NOT NULL DEFAULT 0,
    question_text   TEXT NOT NULL,
    score           DOUBLE PRECISION NOT NULL,
    scores_json     TEXT NOT NULL DEFAULT '{}',
    notes_json      TEXT NOT NULL DEFAULT '[]',
    answered_at     TEXT NOT NULL,
    PRIMARY KEY (session_id, question_id)
);
CREATE INDEX question_attempts_question ON question_attempts(user_id, script_id, question_id, session_id);

CREATE TABLE question_bests (
    user_id             BIGINT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    script_id           TEXT NOT NULL,
    question_id         TEXT NOT NULL,
    question_text       TEXT NOT NULL,
    best_session_id     BIGINT NOT NULL,
    best_score          DOUBLE PRECISION NOT NULL,
    latest_session_id   BIGINT NOT NULL,
    latest_score        DOUBLE PRECISION NOT NULL,
    attempts            BIGINT NOT NULL DEFAULT 1,
    practised           BIGINT NOT NULL DEFAULT 0,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (user_id, script_id, question_id)
);
CREATE INDEX question_bests_weak ON question_bests(user_id, best_score);

CREATE TABLE picked_questions (
    user_id         BIGINT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    picked_at       TEXT NOT NULL,
    PRIMARY KEY (user_id, question_id)
);

CREATE INDEX followup_plans_kind ON followup_plans(kind, status);
