-- Spoken answers (the optional `voice` extra). A voice message is transcribed and the transcript
-- stored as an ordinary answer part (source 'voice'); the audio itself is never stored. This row
-- keeps what was measured of the recording: its length, the delivery metrics (pace, long pauses,
-- fillers, speaking time against the question's suggested length, a slow start) as JSON, and
-- which engines heard it. One row per recording, on its (last) answer part.
CREATE TABLE spoken_parts (
    part_id             INTEGER PRIMARY KEY REFERENCES answer_parts(id) ON DELETE CASCADE,
    answer_id           INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    duration_seconds    REAL NOT NULL,
    metrics_json        TEXT NOT NULL,
    engine              TEXT NOT NULL,
    created_at          TEXT NOT NULL
);
CREATE INDEX spoken_parts_answer ON spoken_parts(answer_id);
-- A server's admin may turn voice answers off: NULL (the default) or 1 is on, 0 is off.
ALTER TABLE guild_settings ADD COLUMN voice_answers INTEGER;
