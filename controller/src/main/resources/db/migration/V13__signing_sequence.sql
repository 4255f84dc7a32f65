-- The floor of the controller's signing sequence (protocol's EnvelopeSigner): no message was ever
-- signed with a higher sequence, so a restarted controller continues above it, whatever the server
-- clock says by then. One row; raised ahead of need, a few seconds' worth at a time.
CREATE TABLE signing_sequence (
    id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    floor     INTEGER NOT NULL,
    raised_at TEXT    NOT NULL
);
