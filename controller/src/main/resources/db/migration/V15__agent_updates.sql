-- Agent releases uploaded to the controller, and the rollouts of them (decision 0027, "Closing the gaps").
CREATE TABLE agent_release (
    version     TEXT    NOT NULL PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    key_id      TEXT    NOT NULL,
    signature   TEXT    NOT NULL,
    uploaded_by TEXT    NOT NULL,
    uploaded_at TEXT    NOT NULL
);

CREATE TABLE rollout (
    id         TEXT NOT NULL PRIMARY KEY,
    version    TEXT NOT NULL REFERENCES agent_release (version),
    scope      TEXT NOT NULL, -- STATION, VILLAGE, ALL
    target     TEXT,          -- the station or the village; null for ALL
    status     TEXT NOT NULL, -- RUNNING, HALTED, DONE, ABANDONED
    reason     TEXT,          -- why it halted, or who abandoned it
    started_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE TABLE rollout_station (
    rollout_id TEXT    NOT NULL REFERENCES rollout (id),
    station_id TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    state      TEXT    NOT NULL, -- WAITING, SENT, ADOPTED, ROLLED_BACK, FAILED, NO_ANSWER, SKIPPED
    command_id TEXT,
    sent_at    TEXT,
    done_at    TEXT,
    detail     TEXT,
    PRIMARY KEY (rollout_id, station_id)
);

CREATE INDEX rollout_station_command ON rollout_station (command_id);
