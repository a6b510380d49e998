-- Start-up looks for nudges left 'sending' by a crash; without this it scans the whole
-- history of nudges (9 ms at 100,000 rows, growing with every nudge ever sent).
CREATE INDEX nudges_sending ON nudges(id) WHERE status = 'sending';
