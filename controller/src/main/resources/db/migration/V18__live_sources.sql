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
