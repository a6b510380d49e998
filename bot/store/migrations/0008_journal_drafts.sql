-- What `/journal add` was given as command options, kept while its notes form is open: the form
-- is answered by its custom id (which names the draft), so it still lands after a restart.
CREATE TABLE journal_drafts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    fields_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX journal_drafts_user ON journal_drafts(user_id, created_at);
