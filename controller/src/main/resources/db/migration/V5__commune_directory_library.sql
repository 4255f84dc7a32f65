-- The commune itself: one row. The store is the system of record; commune.json only seeds an empty store.
CREATE TABLE commune (
    singleton     INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    id            TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    time_zone     TEXT    NOT NULL,
    horizon_days  INTEGER NOT NULL,
    target_lufs   REAL    NOT NULL,
    quiet_start   TEXT,             -- HH:MM, local; null: no quiet hours
    quiet_end     TEXT,
    program_json  TEXT    NOT NULL, -- the commune's program (daily sessions, one-offs, cancellations), JSON
    seeded_from   TEXT,             -- the commune file it was first imported from, if any
    seeded_sha256 TEXT,             -- that file's SHA-256 then, to tell the operator when the file was edited since
    library_seeded INTEGER NOT NULL DEFAULT 0, -- 1 once every library file of that commune file was imported or refused
    updated_at    TEXT    NOT NULL
);

-- Villages (zones). Ids never change: users, reports and alert topics name them; names do.
CREATE TABLE village (
    id             TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    former_commune TEXT,             -- after a merger: the old commune it came from
    program_json   TEXT,             -- null: the village follows the commune's program
    position       INTEGER NOT NULL
);

-- Loudspeaker stations. The id is the station's identity (MQTT topics, credentials): a station can be
-- renamed and moved to another village without being provisioned again.
CREATE TABLE station (
    id             TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    village_id     TEXT    NOT NULL REFERENCES village (id),
    latitude       REAL,
    longitude      REAL,
    relay_channels INTEGER NOT NULL,
    warm_up_ms     INTEGER NOT NULL,
    position       INTEGER NOT NULL
);

CREATE INDEX station_village ON station (village_id);

-- The audio library. Files live in the content folder under their SHA-256; what was measured at ingest
-- is kept here so that a restart does not decode the whole library again.
CREATE TABLE library_item (
    id             TEXT    NOT NULL PRIMARY KEY,
    title          TEXT    NOT NULL,
    category       TEXT    NOT NULL,
    language       TEXT    NOT NULL,
    expires        TEXT,             -- YYYY-MM-DD: from that day on the item is left out of sessions
    trim_db        REAL    NOT NULL, -- the operator's manual trim on top of the loudness correction
    sha256         TEXT    NOT NULL,
    size_bytes     INTEGER NOT NULL,
    duration_ms    INTEGER NOT NULL,
    loudness_lufs  REAL,             -- null: digital silence (-inf LUFS)
    true_peak_dbtp REAL,
    format         TEXT    NOT NULL, -- MP3 or WAV
    original_name  TEXT    NOT NULL,
    added_at       TEXT    NOT NULL,
    added_by       TEXT    NOT NULL
);

CREATE INDEX library_item_sha ON library_item (sha256);

-- Files the library refused, with the reason, so the operator sees what went wrong and when.
CREATE TABLE library_refusal (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    item_id       TEXT,
    title         TEXT,
    original_name TEXT NOT NULL,
    reason        TEXT NOT NULL
);
