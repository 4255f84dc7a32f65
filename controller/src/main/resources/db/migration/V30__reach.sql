-- Issue 19, reach (decision 0044): a report looks up the session summaries and bulletins of its period's
-- sessions by session id, so that a month's report reads that month's messages, not every message ever sent.
CREATE INDEX mirror_outbox_session ON mirror_outbox (session_id);
