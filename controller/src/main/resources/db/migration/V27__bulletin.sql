-- Issue 19, bulletins from data: the price tables the agriculture officer gives (or a feed fetched), the
-- settings of the morning market-prices bulletin, and each bulletin made from them (decision 0046).

-- One price table as received; the newest is the one the next bulletin is written from.
CREATE TABLE price_table (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    table_date  TEXT    NOT NULL, -- the prices' date, yyyy-MM-dd
    market      TEXT    NOT NULL,
    rows_json   TEXT    NOT NULL, -- [{"name","unit","price","previous","note"}], prices in đồng
    source      TEXT    NOT NULL, -- CSV (uploaded), JSON (uploaded), FEED (fetched)
    received_at TEXT    NOT NULL,
    received_by TEXT    NOT NULL
);

-- The bulletin's settings, one row per bulletin kind ('prices').
CREATE TABLE bulletin_settings (
    id            TEXT NOT NULL PRIMARY KEY,
    settings_json TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    changed_by    TEXT NOT NULL
);

-- Each bulletin made: its text as shown (digits), its reading as spoken, and the library item it became.
CREATE TABLE price_bulletin (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    day        TEXT    NOT NULL, -- the commune's date the bulletin is for, yyyy-MM-dd
    library_id TEXT    NOT NULL, -- gia-ca-yyyyMMdd
    table_id   INTEGER NOT NULL REFERENCES price_table (id),
    title      TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    reading    TEXT    NOT NULL,
    made_at    TEXT    NOT NULL,
    made_by    TEXT    NOT NULL
);
CREATE INDEX price_bulletin_day ON price_bulletin (day);
