-- Issue 19, "Nghe lại": what the commune lets anyone hear again, and how often it was heard.

-- Whether a library category is public on /nghe-lai/ (pages and feeds). A category with no row takes
-- the default of listen.PublicCategories; alerts are always public (they were broadcast to the village).
CREATE TABLE listen_category (
    category   TEXT    NOT NULL PRIMARY KEY,
    public     INTEGER NOT NULL, -- 1 public, 0 not
    changed_at TEXT    NOT NULL,
    changed_by TEXT    NOT NULL
);

-- Counts, never people: one row per commune day, village, session (or alert), item and source, with how
-- many distinct clients fetched it that day. No address, no user agent, nothing that names a listener.
CREATE TABLE listen_count (
    day        TEXT    NOT NULL, -- the commune's date, yyyy-MM-dd
    village    TEXT    NOT NULL, -- '*' for the commune's page and feeds
    session_id TEXT    NOT NULL, -- a planned_session's session id; 'alert' for an alert; '' for a feed fetch
    item_id    TEXT    NOT NULL, -- the library id or the alert id; '' for a feed fetch
    kind       TEXT    NOT NULL, -- LISTEN (audio from its start) or FEED (a feed fetched)
    source     TEXT    NOT NULL, -- where the link came from: page, feed, zalo, telegram, sms, webhook, other
    count      INTEGER NOT NULL,
    PRIMARY KEY (day, village, session_id, item_id, kind, source)
);
