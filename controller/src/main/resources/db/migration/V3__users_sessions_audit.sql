-- People who use the API. No row means nobody can log in: the first start creates the administrator
-- (password from LOALANG_ADMIN_PASSWORD, else a random one printed once), never a default password.
CREATE TABLE app_user (
    username      TEXT    NOT NULL PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL, -- ADMIN, OPERATOR, VILLAGE_HEAD, TECHNICIAN
    villages_json TEXT    NOT NULL, -- JSON array of village ids; only village heads carry any
    language      TEXT    NOT NULL, -- 'vi' or 'en'
    password_hash TEXT    NOT NULL, -- PBKDF2, self-describing (users.PasswordHasher)
    created_at    TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
);

-- Logged-in sessions. Only the SHA-256 of the bearer token is kept: a copied database file opens no session.
CREATE TABLE api_session (
    token_hash TEXT NOT NULL PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES app_user (username) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX api_session_user ON api_session (username);

-- Who changed what, when, with the record before and after (JSON; null when created or removed).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    before_json TEXT,
    after_json  TEXT
);
