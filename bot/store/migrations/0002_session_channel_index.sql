-- Messages in threads and DMs are matched to their open interview by channel.
CREATE INDEX interview_sessions_channel ON interview_sessions(channel_id)
    WHERE status IN ('active', 'paused');
