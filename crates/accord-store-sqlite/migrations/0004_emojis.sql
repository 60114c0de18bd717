-- A guild's custom emoji; `roles` is a JSON array of role ids (empty: everyone may use it).
CREATE TABLE guild_emojis (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    creator_id INTEGER,
    animated   INTEGER NOT NULL,
    available  INTEGER NOT NULL,
    roles      TEXT    NOT NULL
);
CREATE INDEX guild_emojis_guild ON guild_emojis (guild_id, id);
