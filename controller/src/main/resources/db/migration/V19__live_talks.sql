-- Live talks (issue 17): who spoke to which villages, when, and how it ended.
CREATE TABLE live_talk (
    id            TEXT    NOT NULL PRIMARY KEY, -- t-yyyyMMdd-HHmmss-xxxx
    created_at    TEXT    NOT NULL,
    actor         TEXT    NOT NULL,             -- the user who pressed "talk"
    speaker       TEXT    NOT NULL,             -- their display name, as the stations log it
    villages_json TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    late_policy   TEXT    NOT NULL,             -- PLAY_LATE or SKIP
    state         TEXT    NOT NULL,             -- STARTING, ON_AIR, ENDED, CANCELLED
    max_end       TEXT    NOT NULL,
    on_air_at     TEXT,
    ended_at      TEXT,
    ended_by      TEXT,                         -- a user, or "system" (idle uplink, maximum length)
    end_reason    TEXT,
    late_until    TEXT    NOT NULL,             -- its retained messages are cleared then
    recording_id  TEXT,                         -- the library item kept from the channel, once kept
    cleared       INTEGER NOT NULL DEFAULT 0    -- 1 once its retained messages were removed from the broker
);

-- The signed message of each village as last published retained: published again, byte for byte, after a
-- broker restart or a failed publish.
CREATE TABLE live_talk_zone (
    talk_id TEXT NOT NULL REFERENCES live_talk (id),
    zone    TEXT NOT NULL,
    signed  BLOB NOT NULL,
    sent    INTEGER NOT NULL DEFAULT 0, -- 0 until the broker took the current message
    PRIMARY KEY (talk_id, zone)
);

-- Where the talk stands on each loudspeaker: PENDING, ON_AIR, FINISHED, LATE, SKIPPED, FAILED.
CREATE TABLE live_talk_delivery (
    talk_id    TEXT NOT NULL REFERENCES live_talk (id),
    station_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    detail     TEXT,
    PRIMARY KEY (talk_id, station_id)
);
