-- Twin of SQLite's 0012_spoken_answers.sql (issue 13): what was measured of each spoken answer
-- (the transcript is an ordinary answer part; the audio is never stored), and a server's switch
-- for voice answers (NULL or 1 on, 0 off). REAL is DOUBLE PRECISION here, as SQLite's REAL.
CREATE TABLE spoken_parts (
    part_id             BIGINT PRIMARY KEY REFERENCES answer_parts(id) ON DELETE CASCADE,
    answer_id           BIGINT NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    duration_seconds    DOUBLE PRECISION NOT NULL,
    metrics_json        TEXT NOT NULL,
    engine              TEXT NOT NULL,
    created_at          TEXT NOT NULL
);
CREATE INDEX spoken_parts_answer ON spoken_parts(answer_id);
ALTER TABLE guild_settings ADD COLUMN voice_answers BIGINT;
