-- Issue 17: how much of an item was heard (live items; files' ITEM_FINISHED from agents that say), and
-- whether it was played after its time (a missed relay's or talk's recording). Null from older agents.
ALTER TABLE station_event ADD COLUMN played_ms INTEGER;
ALTER TABLE station_event ADD COLUMN late INTEGER;

-- The relay time a station's session planned (the slots' maxima), against which played_ms is reported.
ALTER TABLE planned_session ADD COLUMN relay_ms INTEGER;
