-- Every session planned for a station, kept after its schedule is replaced, so that reports can set
-- what was planned against what the station reported playing. Times are epoch milliseconds (UTC).
CREATE TABLE planned_session (
    station_id TEXT    NOT NULL,
    session_id TEXT    NOT NULL,
    village    TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    start_ms   INTEGER NOT NULL,
    end_ms     INTEGER NOT NULL,
    items_json TEXT    NOT NULL, -- content ids, in playing order
    version    INTEGER NOT NULL, -- the schedule version that last planned it
    PRIMARY KEY (station_id, session_id)
);

CREATE INDEX planned_session_start ON planned_session (start_ms);
