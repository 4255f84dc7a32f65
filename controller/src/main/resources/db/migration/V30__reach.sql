-- Issue 19, reach (decision 0044). A reach report counts past messages; the mirror's settings remove a channel
-- or a target outright (phone numbers included). So each message keeps, on its own row, what the report needs:
-- the kind of its channel (chat or SMS), copied when the row is written, and its group's member count, copied
-- when it is sent. Triggers fill them, so the writers of mirror_outbox need not know the report.
ALTER TABLE mirror_outbox ADD COLUMN channel_kind TEXT; -- mirror_channel.kind when the row was written
ALTER TABLE mirror_outbox ADD COLUMN members INTEGER;   -- mirror_target.members when it was SENT (null: unknown)

CREATE TRIGGER mirror_outbox_written AFTER INSERT ON mirror_outbox
BEGIN
    UPDATE mirror_outbox
    SET channel_kind = COALESCE(NEW.channel_kind, (SELECT kind FROM mirror_channel WHERE id = NEW.channel_id)),
        members = CASE WHEN NEW.state IN ('SENT', 'DELIVERED')
                       THEN (SELECT members FROM mirror_target WHERE id = NEW.target_id) ELSE NEW.members END
    WHERE id = NEW.id;
END;

CREATE TRIGGER mirror_outbox_sent AFTER UPDATE OF state ON mirror_outbox
WHEN NEW.state IN ('SENT', 'DELIVERED') AND OLD.state NOT IN ('SENT', 'DELIVERED')
BEGIN
    UPDATE mirror_outbox SET members = (SELECT members FROM mirror_target WHERE id = NEW.target_id) WHERE id = NEW.id;
END;

-- A month's report reads that month's session summaries, not every message ever sent.
CREATE INDEX mirror_outbox_session ON mirror_outbox (session_id);
