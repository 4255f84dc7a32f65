-- Issue 19, the chat and SMS mirror: channels, who is reached in each village, and every message's fate.

-- One configured outside channel: a Telegram bot, a Zalo Official Account, an SMS gateway, a webhook.
-- Its secrets (tokens, keys, passwords) are never here: they are files under {data}/secrets/ (decision 0042).
CREATE TABLE mirror_channel (
    id            TEXT    NOT NULL PRIMARY KEY,
    kind          TEXT    NOT NULL, -- TELEGRAM, ZALO, ESMS, ANDROID_SMS, WEBHOOK
    name          TEXT    NOT NULL,
    settings_json TEXT    NOT NULL, -- non-secret settings: API base, brandname, rate limits, quiet hours switch
    enabled       INTEGER NOT NULL DEFAULT 1,
    status        TEXT    NOT NULL DEFAULT 'OK', -- OK, PAUSED (rate limited), DOWN (needs a person)
    status_detail TEXT,
    status_at     TEXT,
    last_success  TEXT,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL
);

-- One place a village is reached through a channel: a chat group, a phone number, a webhook URL.
CREATE TABLE mirror_target (
    id              TEXT    NOT NULL PRIMARY KEY,
    channel_id      TEXT    NOT NULL REFERENCES mirror_channel (id),
    village         TEXT    NOT NULL,
    address         TEXT    NOT NULL, -- chat id, group id, E.164 phone number, URL
    label           TEXT    NOT NULL,
    categories_json TEXT    NOT NULL, -- library categories mirrored besides alerts, which always go
    members         INTEGER,          -- people in the group, when the channel or the operator knows
    consent_at      TEXT,             -- for a phone number: when the resident's consent was recorded
    consent_by      TEXT,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    created_by      TEXT    NOT NULL
);
CREATE INDEX mirror_target_village ON mirror_target (village, active);

-- Every message to every target, written before it is sent: retried with back-off, and the delivery log.
CREATE TABLE mirror_outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL, -- ALERT, CANCEL, SESSION, BULLETIN, TEST
    ref          TEXT    NOT NULL, -- alert id, '{date}/{session id}', bulletin id
    village      TEXT    NOT NULL,
    session_id   TEXT,             -- for SESSION and BULLETIN: the planned session it belongs to
    channel_id   TEXT    NOT NULL,
    target_id    TEXT    NOT NULL,
    priority     INTEGER NOT NULL, -- lower goes first: 0 emergency, 1 warning, 2 cancel, 3 bulletin and session, 4 test
    payload_json TEXT    NOT NULL,
    state        TEXT    NOT NULL, -- PENDING, SENDING, SENT, DELIVERED, FAILED, CANCELLED, SKIPPED
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT    NOT NULL,
    give_up_at   TEXT    NOT NULL,
    last_error   TEXT,
    remote_id    TEXT,
    created_at   TEXT    NOT NULL,
    sent_at      TEXT,
    UNIQUE (kind, ref, target_id)
);
CREATE INDEX mirror_outbox_due ON mirror_outbox (state, next_at);
CREATE INDEX mirror_outbox_ref ON mirror_outbox (ref);

-- What an alert said, for its public page and the mirror: the spoken text, and CAP's headline and instruction.
ALTER TABLE alert ADD COLUMN spoken_text TEXT;
ALTER TABLE alert ADD COLUMN headline TEXT;
ALTER TABLE alert ADD COLUMN instruction TEXT;
ALTER TABLE cap_message ADD COLUMN instruction TEXT;
