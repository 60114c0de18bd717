-- Moderation and user settings: each user's settings document, guild bans and the audit log.

-- One JSON document per user who changed a setting (as text, kept byte for byte; the users
-- service reads and validates it).
CREATE TABLE user_settings (
    user_id  BIGINT PRIMARY KEY,
    settings TEXT   NOT NULL
);

-- A ban outlives the membership it ended; paged by user id (the primary key). Bans and joins
-- of one (guild, user) take turns on an advisory lock (see src/moderation.rs).
CREATE TABLE bans (
    guild_id   BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL,
    reason     TEXT,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Entries are written with the GUILD_AUDIT_LOG_ENTRY_CREATE events that carry them (see
-- src/events.rs): `data` is the entry's JSON text as the event has it, the other columns are
-- read from it for filtering. `user_id` is NULL for changes the system made; `action_type`
-- is a u16, INTEGER to be lossless.
CREATE TABLE audit_log (
    id          BIGINT  PRIMARY KEY,
    guild_id    BIGINT  NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id     BIGINT,
    action_type INTEGER NOT NULL,
    data        TEXT    NOT NULL
);
CREATE INDEX audit_log_guild ON audit_log (guild_id, id);
