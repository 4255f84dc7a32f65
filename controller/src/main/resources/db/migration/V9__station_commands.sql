-- A technician's commands to a station, and the station's answer.
CREATE TABLE station_command (
    id         TEXT    NOT NULL PRIMARY KEY,
    station_id TEXT    NOT NULL,
    action     TEXT    NOT NULL, -- TEST_TONE, RELAY_TEST, RESYNC, RESTART
    seconds    INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    sent_at    TEXT    NOT NULL,
    status     TEXT    NOT NULL, -- SENT, DONE, FAILED
    done_at    TEXT,
    detail     TEXT
);

CREATE INDEX station_command_station ON station_command (station_id, sent_at);
