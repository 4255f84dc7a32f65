-- Issue 16: whether the station trusted its clock (decision 0021), from agents that report it.
-- Samples of the bucket in which the station's clock was not trusted (it played no scheduled session);
-- null when none of them said (agents before it).
ALTER TABLE telemetry_sample ADD COLUMN clock_untrusted INTEGER;
