-- The journal list pages by the interview's date, newest first: this index serves that order
-- directly, so a page costs the same for 10 entries or 1,000 (no sort of all of them).
CREATE INDEX journal_entries_user_when ON journal_entries(user_id, COALESCE(interview_at, created_at) DESC, id DESC);
