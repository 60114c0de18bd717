-- Accord's initial PostgreSQL schema. Ids are snowflakes as BIGINT, times are Unix
-- milliseconds, permission and flag bit sets are u64 stored bit-for-bit in BIGINT, u32 values
-- are BIGINT (lossless), u8 values SMALLINT, id lists BIGINT[] in the order given.
-- Containment is expressed with ON DELETE CASCADE, so deleting a guild or channel removes
-- everything in it; user references carry no foreign key (users are never deleted).
-- PostgreSQL does not index referencing columns by itself: every cascade below has an index
-- that starts with its referencing column, so deletes do not scan whole tables.

CREATE TABLE users (
    id               BIGINT  PRIMARY KEY,
    username         TEXT    NOT NULL,
    global_name      TEXT,
    email            TEXT,
    avatar           TEXT,
    bot              BOOLEAN NOT NULL,
    flags            BIGINT  NOT NULL,
    token_generation BIGINT  NOT NULL,
    password_hash    TEXT
);
-- Case-insensitive uniqueness; lookups compare lower(...) so they use these indexes.
CREATE UNIQUE INDEX users_username ON users (lower(username));
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE sessions (
    id         BIGINT  PRIMARY KEY,
    user_id    BIGINT  NOT NULL,
    created_ms BIGINT  NOT NULL,
    revoked    BOOLEAN NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT   PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL,
    issued_ms  BIGINT NOT NULL,
    rotated_ms BIGINT,
    replays    BIGINT NOT NULL
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE applications (
    id                     BIGINT  PRIMARY KEY,
    owner_id               BIGINT  NOT NULL,
    bot_user_id            BIGINT  NOT NULL UNIQUE,
    name                   TEXT    NOT NULL,
    description            TEXT    NOT NULL,
    icon                   TEXT,
    flags                  BIGINT  NOT NULL,
    bot_public             BOOLEAN NOT NULL,
    bot_require_code_grant BOOLEAN NOT NULL
);
CREATE INDEX applications_owner ON applications (owner_id);

CREATE TABLE guilds (
    id                            BIGINT   PRIMARY KEY,
    name                          TEXT     NOT NULL,
    icon                          TEXT,
    description                   TEXT,
    owner_id                      BIGINT   NOT NULL,
    verification_level            SMALLINT NOT NULL,
    default_message_notifications SMALLINT NOT NULL,
    explicit_content_filter       SMALLINT NOT NULL,
    afk_channel_id                BIGINT,
    afk_timeout                   BIGINT   NOT NULL,
    system_channel_id             BIGINT,
    preferred_locale              TEXT     NOT NULL
);

CREATE TABLE roles (
    id          BIGINT   PRIMARY KEY,
    guild_id    BIGINT   NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    name        TEXT     NOT NULL,
    color       BIGINT   NOT NULL,
    hoist       BOOLEAN  NOT NULL,
    position    INTEGER  NOT NULL,
    permissions BIGINT   NOT NULL,
    managed     BOOLEAN  NOT NULL,
    mentionable BOOLEAN  NOT NULL
);
CREATE INDEX roles_guild ON roles (guild_id, position, id);

-- `parent_id` is checked at commit so a guild's channels can be written in any order; its
-- ON DELETE SET NULL still runs immediately.
CREATE TABLE channels (
    id                  BIGINT   PRIMARY KEY,
    guild_id            BIGINT   REFERENCES guilds (id) ON DELETE CASCADE,
    kind                SMALLINT NOT NULL,
    name                TEXT     NOT NULL,
    position            INTEGER  NOT NULL,
    parent_id           BIGINT   REFERENCES channels (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    topic               TEXT,
    nsfw                BOOLEAN  NOT NULL,
    rate_limit_per_user BIGINT   NOT NULL,
    bitrate             BIGINT,
    user_limit          BIGINT,
    last_message_id     BIGINT
);
CREATE INDEX channels_guild ON channels (guild_id, position, id);
CREATE INDEX channels_parent ON channels (parent_id);

-- `position` is the overwrite's index in the list it was written with, so a channel's
-- overwrites read back in their order.
CREATE TABLE channel_overwrites (
    channel_id BIGINT   NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    target_id  BIGINT   NOT NULL,
    kind       SMALLINT NOT NULL,
    allow      BIGINT   NOT NULL,
    deny       BIGINT   NOT NULL,
    position   INTEGER  NOT NULL,
    PRIMARY KEY (channel_id, target_id)
);
CREATE INDEX channel_overwrites_target ON channel_overwrites (target_id);

CREATE TABLE members (
    guild_id                        BIGINT   NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id                         BIGINT   NOT NULL,
    nick                            TEXT,
    roles                           BIGINT[] NOT NULL,
    joined_ms                       BIGINT   NOT NULL,
    deaf                            BOOLEAN  NOT NULL,
    mute                            BOOLEAN  NOT NULL,
    flags                           BIGINT   NOT NULL,
    communication_disabled_until_ms BIGINT,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX members_user ON members (user_id, guild_id);

-- TEXT equality is case-sensitive, so `abc` and `ABC` are different codes.
CREATE TABLE invites (
    code       TEXT    PRIMARY KEY,
    guild_id   BIGINT  NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    channel_id BIGINT  NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    inviter_id BIGINT  NOT NULL,
    max_age    BIGINT  NOT NULL,
    max_uses   BIGINT  NOT NULL,
    uses       BIGINT  NOT NULL,
    temporary  BOOLEAN NOT NULL,
    created_ms BIGINT  NOT NULL
);
CREATE INDEX invites_guild ON invites (guild_id);
CREATE INDEX invites_channel ON invites (channel_id);

-- History is read per channel by id ranges, which the primary key serves. `(author_id, nonce)`
-- is unique only where enforced.
CREATE TABLE messages (
    channel_id       BIGINT   NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    id               BIGINT   NOT NULL,
    guild_id         BIGINT,
    author_id        BIGINT   NOT NULL,
    content          TEXT     NOT NULL,
    nonce            TEXT,
    enforced_nonce   BOOLEAN  NOT NULL,
    tts              BOOLEAN  NOT NULL,
    kind             SMALLINT NOT NULL,
    flags            BIGINT   NOT NULL,
    edited_ms        BIGINT,
    pinned           BOOLEAN  NOT NULL,
    mention_everyone BOOLEAN  NOT NULL,
    mention_user_ids BIGINT[] NOT NULL,
    mention_role_ids BIGINT[] NOT NULL,
    ref_message_id   BIGINT,
    ref_channel_id   BIGINT,
    ref_guild_id     BIGINT,
    PRIMARY KEY (channel_id, id)
);
CREATE UNIQUE INDEX messages_enforced_nonce ON messages (author_id, nonce) WHERE enforced_nonce;

-- The transactional outbox. Positions come from the identity sequence while the writer holds
-- the outbox advisory lock (see src/events.rs), so they increase in commit order. CACHE 1 is
-- required for that: a session that pre-allocated a block of values would hand out positions
-- out of order.
CREATE TABLE outbox (
    position   BIGINT   GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    id         BIGINT   NOT NULL,
    name       TEXT     NOT NULL,
    guild_id   BIGINT,
    channel_id BIGINT,
    user_ids   BIGINT[] NOT NULL,
    data       TEXT     NOT NULL
);
