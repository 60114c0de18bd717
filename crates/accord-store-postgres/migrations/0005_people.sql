-- People outside guilds: DMs and group DMs, and relationships (friends, requests, blocks).

-- A DM (kind 1) or group DM (kind 3) is a row of `channels` without guild, parent or thread
-- owner, plus this row. `owner_id` is a group's owner; `pair_key` is a DM's "<low id>:<high
-- id>" (NULL for groups), unique, so a pair has exactly one DM also when two requests race.
-- Changes to a group's recipients lock this row first.
CREATE TABLE private_channels (
    channel_id BIGINT PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    owner_id   BIGINT,
    icon       TEXT,
    pair_key   TEXT   UNIQUE
);

-- The people in a private channel; `position` counts up in the order they joined, `open` is
-- whether the channel shows in their list (closing a DM hides it until the next message).
CREATE TABLE channel_recipients (
    channel_id BIGINT  NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    BIGINT  NOT NULL,
    position   INTEGER NOT NULL,
    open       BOOLEAN NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_recipients_user ON channel_recipients (user_id, channel_id);

-- One side of a relationship: what `user_id` has toward `other_id` (Discord's type in `kind`).
-- Both sides of a pair change under one advisory lock (see src/relationships.rs).
CREATE TABLE relationships (
    user_id  BIGINT   NOT NULL,
    other_id BIGINT   NOT NULL,
    kind     SMALLINT NOT NULL,
    since_ms BIGINT   NOT NULL,
    PRIMARY KEY (user_id, other_id)
);
