-- Each station's own account on the production broker (Mosquitto): only the hash is kept; the
-- password goes once into the station's bundle. A revoked or decommissioned station has no row.
CREATE TABLE broker_account (
    station_id    TEXT    NOT NULL PRIMARY KEY,
    password_hash TEXT    NOT NULL, -- Mosquitto $7$ (PBKDF2-SHA512)
    issued_at     TEXT    NOT NULL,
    issued_by     TEXT    NOT NULL,
    generation    INTEGER NOT NULL  -- 1 at enrolment, +1 at each rotation
);
