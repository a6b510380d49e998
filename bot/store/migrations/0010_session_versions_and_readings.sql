-- Every write to a session bumps its version. A process that holds an open session in memory
-- (bot.services.interviews) names the version it holds in the WHERE of its next write, so a
-- change made meanwhile by another process on the same database (a second shard) is noticed,
-- and the session reloaded, instead of being overwritten.
ALTER TABLE interview_sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- What each finished answer says, made once when it is finished: the signals a script tests
-- (JSON, with a digest of the text read) and the analysis of the question's answer so far
-- (JSON); reports are built from these instead of analysing every answer again.
ALTER TABLE answers ADD COLUMN reading_json TEXT;
ALTER TABLE answers ADD COLUMN analysis_json TEXT;
-- A user's finished interviews, newest first (trends, the weakest question to practise).
CREATE INDEX interview_sessions_user_reported ON interview_sessions(user_id, id)
    WHERE report_json IS NOT NULL;
