-- The last schedule signed for each station, as sent: a restarted controller sends these bytes again
-- instead of signing an unchanged schedule anew.
CREATE TABLE published_schedule (
    station_id    TEXT    NOT NULL PRIMARY KEY,
    version       INTEGER NOT NULL,
    signed        BLOB    NOT NULL,
    sessions_json TEXT    NOT NULL,
    published_at  TEXT    NOT NULL
);
