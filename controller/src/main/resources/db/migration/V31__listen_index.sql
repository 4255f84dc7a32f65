-- Issue 19, "Nghe lại" (review item 1): the public pages look up what a village's loudspeakers finished in a
-- session. Without this index that lookup scanned the whole play log, once per session, while holding the
-- store's single lock the alert path waits on. With it, each session is one index search.
CREATE INDEX station_event_session ON station_event (session_id, station_id, type);
