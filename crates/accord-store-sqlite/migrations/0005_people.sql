-- People outside guilds: DMs and group DMs, and relationships (friends, requests, blocks).

-- A DM (kind 1) or group DM (kind 3) is a row of `channels` without guild, parent or thread
-- owner, plus this row. `owner_id` is a group's owner; `pair_key` is a DM's "<low id>:<high
-- id>" (NULL for groups), unique, so a pair has exactly one DM also when two requests race.
CREATE TABLE private_channels (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    owner_id   INTEGER,
    icon       TEXT,
    pair_key   TEXT    UNIQUE
);

-- The people in a private channel; `position` counts up in the order they joined, `open` is
-- whether the channel shows in their list (closing a DM hides it until the next message).
CREATE TABLE channel_recipients (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    open       INTEGER NOT NULL,
    PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;
CREATE INDEX channel_recipients_user ON channel_recipients (user_id, channel_id);

-- One side of a relationship: what `user_id` has toward `other_id` (Discord's type in `kind`).
CREATE TABLE relationships (
    user_id  INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    kind     INTEGER NOT NULL,
    since_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, other_id)
) WITHOUT ROWID;
