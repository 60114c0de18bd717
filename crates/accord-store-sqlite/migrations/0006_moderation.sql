-- Moderation and user settings: each user's settings document, guild bans and the audit log.

-- One JSON document per user who changed a setting (the users service reads and validates it).
CREATE TABLE user_settings (
    user_id  INTEGER PRIMARY KEY,
    settings TEXT    NOT NULL
);

-- A ban outlives the membership it ended; paged by user id.
CREATE TABLE bans (
    guild_id   INTEGER NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    reason     TEXT,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Entries are written with the GUILD_AUDIT_LOG_ENTRY_CREATE events that carry them (see
-- src/events.rs): `data` is the entry's JSON as the event has it, the other columns are read
-- from it for filtering. `user_id` is NULL for changes the system made.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id     INTEGER,
    action_type INTEGER NOT NULL,
    data        TEXT    NOT NULL
);
CREATE INDEX audit_log_guild ON audit_log (guild_id, id);
