-- The geocodes (e.g. the commune's administrative unit codes) by which a warning authority names a village.
ALTER TABLE village ADD COLUMN geocodes_json TEXT;

-- Every CAP message received, with what was decided, and the alert it became (if any).
CREATE TABLE cap_message (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at   TEXT NOT NULL,
    actor         TEXT NOT NULL, -- the account that delivered it (the authority's feed, or an operator)
    identifier    TEXT NOT NULL,
    sender        TEXT NOT NULL,
    decision      TEXT NOT NULL, -- IMMEDIATE, NEEDS_CONFIRMATION, IGNORED, CANCEL
    reason        TEXT NOT NULL,
    villages_json TEXT NOT NULL,
    title         TEXT,
    text          TEXT,          -- what would be spoken
    expires_at    TEXT,
    state         TEXT NOT NULL, -- DONE, PENDING, CONFIRMED, DISMISSED
    alert_id      TEXT,
    xml           BLOB NOT NULL
);

CREATE INDEX cap_message_identifier ON cap_message (sender, identifier);
