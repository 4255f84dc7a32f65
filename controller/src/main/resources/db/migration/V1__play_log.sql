-- The play log: every station event the controller has taken, once, by (station, journal stream, number).
CREATE TABLE station_event (
    station_id       TEXT    NOT NULL,
    stream           TEXT    NOT NULL,
    seq              INTEGER NOT NULL,
    at               TEXT    NOT NULL, -- the station's clock when it happened: ISO-8601 UTC, nanoseconds, fixed width (sorts as time)
    type             TEXT    NOT NULL,
    session_id       TEXT,
    content_id       TEXT,
    schedule_version INTEGER,
    reason           TEXT,
    detail           TEXT,
    pending_from     INTEGER,
    received_at      TEXT    NOT NULL, -- the controller's clock when it took the event, in the same form
    PRIMARY KEY (station_id, stream, seq)
);

CREATE INDEX station_event_at ON station_event (station_id, at);

-- Where each station's current journal stands: numbers up to contiguous are held without a gap.
CREATE TABLE event_stream (
    station_id TEXT    NOT NULL PRIMARY KEY,
    stream     TEXT    NOT NULL,
    contiguous INTEGER NOT NULL
);

-- Numbers received ahead of a gap, waited for until the missing ones arrive.
CREATE TABLE event_ahead (
    station_id TEXT    NOT NULL REFERENCES event_stream (station_id) ON DELETE CASCADE,
    stream     TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (station_id, stream, seq)
);
