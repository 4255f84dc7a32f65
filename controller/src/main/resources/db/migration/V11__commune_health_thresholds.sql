-- When the commune's stations count as DEGRADED or OFFLINE (HealthThresholds as JSON); null: the defaults.
ALTER TABLE commune ADD COLUMN health_json TEXT;
