-- Job descriptions and résumés: the user's own documents, as typed or extracted from a file,
-- with what the readers in bot/core found in them (JSON). Deleted with the user.
CREATE TABLE job_descriptions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    company TEXT NOT NULL,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    reading_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX job_descriptions_user ON job_descriptions(user_id, id);

-- One résumé per user: a new one replaces the old.
CREATE TABLE resumes (
    user_id INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    reading_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The story the candidate chose (or accepted) for one requirement of a job; story_id 0 means
-- "no story fits". A story deleted later is simply no longer found, and a suggestion is shown.
CREATE TABLE job_story_matches (
    job_id INTEGER NOT NULL REFERENCES job_descriptions(id) ON DELETE CASCADE,
    requirement_index INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job_id, requirement_index)
);
