-- Issue 19, the mirror (review item 10): when a sent SMS's delivery report was last asked for, so each round asks
-- about the rows asked least recently (never asked first) and every row gets its turn. V31 is the listen index.
ALTER TABLE mirror_outbox ADD COLUMN polled_at TEXT;
