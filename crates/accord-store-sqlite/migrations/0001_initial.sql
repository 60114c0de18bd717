-- Accord's initial SQLite schema. Ids are snowflakes as INTEGER, times are Unix milliseconds,
-- permission and flag bit sets are u64 stored bit-for-bit in INTEGER, booleans are 0/1.
-- Containment is expressed with ON DELETE CASCADE, so deleting a guild or channel removes
-- everything in it; user references carry no foreign key (users are never deleted).

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    username         TEXT    NOT NULL,
    global_name      TEXT,
    email            TEXT,
    avatar           TEXT,
    bot              INTEGER NOT NULL,
    flags            INTEGER NOT NULL,
    token_generation INTEGER NOT NULL,
    password_hash    TEXT
);
CREATE UNIQUE INDEX users_username ON users (username COLLATE NOCASE);
CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    revoked    INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT    PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    issued_ms  INTEGER NOT NULL,
    rotated_ms INTEGER,
    replays    INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE applications (
    id                     INTEGER PRIMARY KEY,
    owner_id               INTEGER NOT NULL,
    bot_user_id            INTEGER NOT NULL UNIQUE,
    name                   TEXT    NOT NULL,
    description            TEXT    NOT NULL,
    icon                   TEXT,
    flags                  INTEGER NOT NULL,
    bot_public             INTEGER NOT NULL,
    bot_require_code_grant INTEGER NOT NULL
);
CREATE INDEX applications_owner ON applications (owner_id);

CREATE TABLE guilds (
    id                            INTEGER PRIMARY KEY,
    name                          TEXT    NOT NULL,
    icon                          TEXT,
    description                   TEXT,
    owner_id                      INTEGER NOT NULL,
    verification_level            INTEGER NOT NULL,
    default_message_notifications INTEGER NOT NULL,
    explicit_content_filter       INTEGER NOT NULL,
    afk_channel_id                INTEGER,
    afk_timeout                   INTEGER NOT NULL,
    system_channel_id             INTEGER,
    preferred_locale              TEXT    NOT NULL
);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    color       INTEGER NOT NULL,
    hoist       INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    permissions INTEGER NOT NULL,
    managed     INTEGER NOT NULL,
    mentionable INTEGER NOT NULL
);
CREATE INDEX roles_guild ON roles (guild_id, position, id);

-- `parent_id` is deferred so a guild's channels can be written in any order.
CREATE TABLE channels (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER REFERENCES guilds (id) ON DELETE CASCADE,
    kind                INTEGER NOT NULL,
    name                TEXT    NOT NULL,
    position            INTEGER NOT NULL,
    parent_id           INTEGER REFERENCES channels (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    topic               TEXT,
    nsfw                INTEGER NOT NULL,
    rate_limit_per_user INTEGER NOT NULL,
    bitrate             INTEGER,
    user_limit          INTEGER,
    last_message_id     INTEGER
);
CREATE INDEX channels_guild ON channels (guild_id, position, id);
CREATE INDEX channels_parent ON channels (parent_id);

-- Read back in insertion (rowid) order, so a channel's overwrites keep their order.
CREATE TABLE channel_overwrites (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    target_id  INTEGER NOT NULL,
    kind       INTEGER NOT NULL,
    allow      INTEGER NOT NULL,
    deny       INTEGER NOT NULL,
    UNIQUE (channel_id, target_id)
);
CREATE INDEX channel_overwrites_target ON channel_overwrites (target_id);

-- `roles` is a JSON array of role ids, in the order they were given.
CREATE TABLE members (
    guild_id                        INTEGER NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id                         INTEGER NOT NULL,
    nick                            TEXT,
    roles                           TEXT    NOT NULL,
    joined_ms                       INTEGER NOT NULL,
    deaf                            INTEGER NOT NULL,
    mute                            INTEGER NOT NULL,
    flags                           INTEGER NOT NULL,
    communication_disabled_until_ms INTEGER,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_user ON members (user_id, guild_id);

CREATE TABLE invites (
    code       TEXT    PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    inviter_id INTEGER NOT NULL,
    max_age    INTEGER NOT NULL,
    max_uses   INTEGER NOT NULL,
    uses       INTEGER NOT NULL,
    temporary  INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX invites_guild ON invites (guild_id);
CREATE INDEX invites_channel ON invites (channel_id);

-- Mention lists are JSON arrays of ids. `(author_id, nonce)` is unique only where enforced.
CREATE TABLE messages (
    channel_id       INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    id               INTEGER NOT NULL,
    guild_id         INTEGER,
    author_id        INTEGER NOT NULL,
    content          TEXT    NOT NULL,
    nonce            TEXT,
    enforced_nonce   INTEGER NOT NULL,
    tts              INTEGER NOT NULL,
    kind             INTEGER NOT NULL,
    flags            INTEGER NOT NULL,
    edited_ms        INTEGER,
    pinned           INTEGER NOT NULL,
    mention_everyone INTEGER NOT NULL,
    mention_user_ids TEXT    NOT NULL,
    mention_role_ids TEXT    NOT NULL,
    ref_message_id   INTEGER,
    ref_channel_id   INTEGER,
    ref_guild_id     INTEGER,
    PRIMARY KEY (channel_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_enforced_nonce ON messages (author_id, nonce) WHERE enforced_nonce = 1;

-- The transactional outbox; AUTOINCREMENT keeps positions increasing, never reused.
CREATE TABLE outbox (
    position   INTEGER PRIMARY KEY AUTOINCREMENT,
    id         INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    guild_id   INTEGER,
    channel_id INTEGER,
    user_ids   TEXT    NOT NULL,
    data       TEXT    NOT NULL
);
