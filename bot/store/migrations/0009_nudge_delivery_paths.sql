-- Where a user's nudge DMs go, once known: every later DM is then one REST call (the send),
-- instead of fetching the user and opening the DM channel first. Users who already received a
-- nudge DM start with the channel it went to.
ALTER TABLE users ADD COLUMN dm_channel_id INTEGER;
UPDATE users SET dm_channel_id = (
    SELECT n.channel_id FROM nudges n
     WHERE n.user_id = users.user_id AND n.delivered_via = 'dm' AND n.channel_id IS NOT NULL
     ORDER BY n.sent_at DESC, n.id DESC LIMIT 1);
-- When DMs were refused and the fallback began: the notice for the user's next command was kept
-- (in the same transaction) and the ping in `channel_id` was about to go. A nudge left 'sending'
-- with this set is checked in that channel after a crash, never in the DMs, and its notice is
-- never kept twice.
ALTER TABLE nudges ADD COLUMN fallback_at TEXT;
