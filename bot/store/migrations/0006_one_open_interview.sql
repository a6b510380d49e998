-- At most one open (active or paused) interview per user, enforced by the database: two
-- `/interview start` in the same instant can no longer both succeed. Older databases may hold
-- duplicates from that race; all but the newest open one of each user are marked abandoned
-- (kept, never deleted) before the index is made.
UPDATE interview_sessions SET status = 'abandoned'
 WHERE status IN ('active', 'paused')
   AND id NOT IN (SELECT MAX(id) FROM interview_sessions
                   WHERE status IN ('active', 'paused') GROUP BY user_id);
CREATE UNIQUE INDEX interview_sessions_one_open ON interview_sessions(user_id)
 WHERE status IN ('active', 'paused');
-- Lists page by user, newest first.
CREATE INDEX interview_sessions_user_id ON interview_sessions(user_id, id);
