-- How each nudge was delivered, and what the user did with it.
ALTER TABLE nudges ADD COLUMN delivered_via TEXT;       -- dm | channel (DMs closed: pinged there) | notice
ALTER TABLE nudges ADD COLUMN channel_id INTEGER;       -- where the delivered message is
ALTER TABLE nudges ADD COLUMN message_id INTEGER;
ALTER TABLE nudges ADD COLUMN late INTEGER NOT NULL DEFAULT 0;  -- went out with a "this is late" line
ALTER TABLE nudges ADD COLUMN done_at TEXT;             -- the user pressed Done
CREATE INDEX nudges_plan ON nudges(plan_id, status);
CREATE INDEX followup_plans_user ON followup_plans(user_id, status);
