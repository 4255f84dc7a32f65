-- Issue 17: levels per station and per session (decision 0034). Sessions keep theirs in program_json.
-- The commune's range for them (VolumeLimits as JSON); null: the defaults (-30..+6 dB, a station at 0 dB).
ALTER TABLE commune ADD COLUMN volume_json TEXT;
-- A station's level, set by its technician; null: the commune's default.
ALTER TABLE station ADD COLUMN volume_db REAL;
