-- Each station's telemetry over time: raw for a day, then 5-minute buckets for a month, then hourly for a year.
CREATE TABLE telemetry_sample (
    station_id     TEXT    NOT NULL,
    resolution     TEXT    NOT NULL, -- raw, 5m, 1h
    bucket_start   TEXT    NOT NULL, -- ISO-8601 UTC, fixed width (sorts as time)
    samples        INTEGER NOT NULL,
    cpu_temp_max   REAL,
    load1_avg      REAL,
    memory_min_mb  INTEGER,
    disk_min_mb    INTEGER,
    signal_avg_dbm REAL,
    clock_offset_max_ms INTEGER,
    relays_on      INTEGER NOT NULL, -- samples in which any relay was on
    PRIMARY KEY (station_id, resolution, bucket_start)
);
