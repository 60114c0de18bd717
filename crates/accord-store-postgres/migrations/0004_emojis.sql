-- A guild's custom emoji; `roles` is role ids (empty: everyone may use it).
CREATE TABLE guild_emojis (
    id         BIGINT PRIMARY KEY,
    guild_id   BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    creator_id BIGINT,
    animated   BOOLEAN NOT NULL,
    available  BOOLEAN NOT NULL,
    roles      BIGINT[] NOT NULL
);
CREATE INDEX guild_emojis_guild ON guild_emojis (guild_id, id);
