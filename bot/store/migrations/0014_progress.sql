-- Progress across interviews (issue 15). Written by the interview service's finish hook, in one
-- transaction per finished interview, idempotently (a hook run again after a crash adds nothing);
-- interviews finished before this migration are read into it at start-up, a batch at a time.
--
-- Each finished interview or practice run's scores, read by the progress chart and the weekly
-- summary without parsing whole reports.
CREATE TABLE interview_scores (
    session_id      INTEGER PRIMARY KEY REFERENCES interview_sessions(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    script_id       TEXT NOT NULL,
    practice        INTEGER NOT NULL DEFAULT 0,    -- 1: a practice run of single questions
    overall         REAL NOT NULL,                 -- 0..1
    dimensions_json TEXT NOT NULL DEFAULT '{}',    -- dimension -> 0..1, the ones it measured
    finished_at     TEXT NOT NULL
);
-- The latest full interviews (or practice runs) of a user, newest first.
CREATE INDEX interview_scores_user ON interview_scores(user_id, practice, session_id);

-- Each answered question of a finished interview or practice run: its score, its scores per
-- dimension and its notes, so a practice run can show the earlier attempt beside the new one.
CREATE TABLE question_attempts (
    session_id      INTEGER NOT NULL REFERENCES interview_sessions(id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    script_id       TEXT NOT NULL,
    practice        INTEGER NOT NULL DEFAULT 0,    -- 1: a practice run of single questions
    question_text   TEXT NOT NULL,
    score           REAL NOT NULL,                 -- 0..1, the answer's overall by its rubric
    scores_json     TEXT NOT NULL DEFAULT '{}',    -- dimension -> 0..1
    notes_json      TEXT NOT NULL DEFAULT '[]',    -- the two or three notes that matter most
    answered_at     TEXT NOT NULL,
    PRIMARY KEY (session_id, question_id)
);
-- The earlier attempts at one question, newest first.
CREATE INDEX question_attempts_question ON question_attempts(user_id, script_id, question_id, session_id);

-- One row per question a user has answered: the best attempt so far and the latest one. A few
-- dozen rows a user whatever the number of interviews, so history and the weekly summary read
-- them at a cost that does not grow with the history.
CREATE TABLE question_bests (
    user_id             INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    script_id           TEXT NOT NULL,
    question_id         TEXT NOT NULL,
    question_text       TEXT NOT NULL,
    best_session_id     INTEGER NOT NULL,
    best_score          REAL NOT NULL,
    latest_session_id   INTEGER NOT NULL,
    latest_score        REAL NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 1,
    practised           INTEGER NOT NULL DEFAULT 0, -- 1 once a practice run retook it
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (user_id, script_id, question_id)
);
CREATE INDEX question_bests_weak ON question_bests(user_id, best_score);

-- The questions to ask the interviewers a user picked on /prep questions (ids from
-- prompts/prep/questions.txt); the readiness view counts them.
CREATE TABLE picked_questions (
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id     TEXT NOT NULL,
    picked_at       TEXT NOT NULL,
    PRIMARY KEY (user_id, question_id)
);

-- The weekly summary's start-up repair reads only the active weekly plans.
CREATE INDEX followup_plans_kind ON followup_plans(kind, status);
