-- Issue 17: the commune's named live sources (VOV1, the province's station) that its program relays,
-- and the commune's live settings (missed relays, late talks, how long recordings are kept).
CREATE TABLE live_source (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    url                 TEXT NOT NULL,
    kind                TEXT NOT NULL,           -- AUTO (whatever ffmpeg reads) or HLS
    end_rule            TEXT NOT NULL,           -- the default end rule of its slots: FIXED or PROGRAMME_END
    max_silence_seconds INTEGER NOT NULL,        -- the default silence before a station falls back
    enabled             INTEGER NOT NULL,
    updated_at          TEXT NOT NULL
);

-- Null: the defaults (LiveSettings.DEFAULTS).
ALTER TABLE commune ADD COLUMN live_json TEXT;

-- A missed relay's recording, to be played late at the start of the station's next session (live.CatchUp,
-- missedRelay NEXT_SESSION). A row is used by every compile while its session is in the horizon.
CREATE TABLE live_late_item (
    station_id TEXT NOT NULL,
    session_id TEXT NOT NULL,    -- the session it opens, as published (2026-12-06.evening)
    item_id    TEXT NOT NULL,    -- the recording's library id
    channel    TEXT NOT NULL,    -- the relay it makes up for (relay-vov1)
    slot_start TEXT NOT NULL,
    heard_ms   INTEGER NOT NULL, -- how much of the slot the station reported heard
    created_at TEXT NOT NULL,
    PRIMARY KEY (station_id, session_id, item_id)
);
