-- Emergency and warning announcements, as triggered (by whom, for which villages, saying what).
CREATE TABLE alert (
    id               TEXT    NOT NULL PRIMARY KEY,
    created_at       TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    villages_json    TEXT    NOT NULL,
    priority         TEXT    NOT NULL, -- EMERGENCY or WARNING
    title            TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    preamble         TEXT    NOT NULL,
    items_json       TEXT    NOT NULL, -- the items as sent to the stations
    repeats          INTEGER NOT NULL,
    interval_seconds INTEGER NOT NULL,
    expires_at       TEXT    NOT NULL,
    state            TEXT    NOT NULL, -- ACTIVE, CANCELLED, EXPIRED
    ended_at         TEXT,
    ended_by         TEXT,
    cleared          INTEGER NOT NULL DEFAULT 0 -- 1 once its retained messages were removed from the broker (at expiry)
);

-- The signed message of each village, as published retained: sent again, byte for byte, to stations
-- that have not said they received it.
CREATE TABLE alert_zone (
    alert_id TEXT NOT NULL REFERENCES alert (id),
    zone     TEXT NOT NULL,
    signed   BLOB NOT NULL,
    PRIMARY KEY (alert_id, zone)
);

-- Where the alert stands on each loudspeaker: PENDING, RECEIVED, RELAY_ON, PLAYING, COMPLETED, FAILED.
CREATE TABLE alert_delivery (
    alert_id   TEXT NOT NULL REFERENCES alert (id),
    station_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    detail     TEXT,
    PRIMARY KEY (alert_id, station_id)
);
