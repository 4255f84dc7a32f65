-- What a technician chose for each station's Pi (relay pins, sound card), kept at each bundle made in
-- the console, so that a rotation makes the same bundle again with only a new password. Never a password.
CREATE TABLE station_hardware (
    station_id TEXT NOT NULL PRIMARY KEY,
    json       TEXT NOT NULL, -- StationBundle.Hardware
    saved_at   TEXT NOT NULL,
    saved_by   TEXT NOT NULL
);
