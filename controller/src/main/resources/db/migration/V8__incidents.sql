-- A station's problem from when it was first seen to when it cleared: what the technician is told about.
CREATE TABLE incident (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    station_id TEXT NOT NULL,
    kind       TEXT NOT NULL, -- offline, missed:<session>, relay-sense:<relay>, content:<session>, clock, temperature, …
    text       TEXT NOT NULL,
    opened_at  TEXT NOT NULL,
    closed_at  TEXT
);

CREATE INDEX incident_open ON incident (station_id, kind, closed_at);
