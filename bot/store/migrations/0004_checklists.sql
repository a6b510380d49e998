-- What each personal checklist was built from (stage, company, role, interview time), so its
-- persistent menu can re-render it after a restart from a short id in the custom_id.
-- Progress stays in checklist_items under the same (user_id, checklist_key).
CREATE TABLE checklists (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    checklist_key   TEXT NOT NULL,                  -- "<stage>:<company, casefolded>"
    stage           TEXT NOT NULL,
    company         TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT '',
    interview_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (user_id, checklist_key)
);
