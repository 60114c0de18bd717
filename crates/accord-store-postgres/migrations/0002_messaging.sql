-- Messaging: pins, attachments and embeds, reactions, edit history, mentions, read states and
-- search.

-- `pinned` stays, kept equal to `pinned_ms IS NOT NULL`. `attachments` and `embeds` are JSON
-- arrays (as text, to keep the JSON byte for byte); `has_bits` caches what the message has
-- (links, files, ...) for search filters; `search` is the content's words.
ALTER TABLE messages ADD COLUMN pinned_ms BIGINT;
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN embeds TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN has_bits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED;
CREATE INDEX messages_pinned ON messages (channel_id, pinned_ms) WHERE pinned_ms IS NOT NULL;
CREATE INDEX messages_author ON messages (author_id, id);
CREATE INDEX messages_search ON messages USING gin (search);

-- `emoji` is the reaction's key: a custom emoji's id or the Unicode emoji; `id` counts up per
-- message, so each emoji's smallest orders a message's emoji by first use.
CREATE TABLE reactions (
    channel_id BIGINT  NOT NULL,
    message_id BIGINT  NOT NULL,
    emoji      TEXT    NOT NULL,
    user_id    BIGINT  NOT NULL,
    id         BIGINT  NOT NULL,
    emoji_id   BIGINT,
    emoji_name TEXT    NOT NULL,
    animated   BOOLEAN NOT NULL,
    PRIMARY KEY (channel_id, message_id, emoji, user_id),
    FOREIGN KEY (channel_id, message_id) REFERENCES messages (channel_id, id) ON DELETE CASCADE
);

-- The versions edits replaced.
CREATE TABLE message_versions (
    channel_id  BIGINT  NOT NULL,
    message_id  BIGINT  NOT NULL,
    version     INTEGER NOT NULL,
    content     TEXT    NOT NULL,
    embeds      TEXT    NOT NULL,
    written_ms  BIGINT  NOT NULL,
    replaced_ms BIGINT  NOT NULL,
    PRIMARY KEY (channel_id, message_id, version),
    FOREIGN KEY (channel_id, message_id) REFERENCES messages (channel_id, id) ON DELETE CASCADE
);

-- Whom each message pings: user ids, role ids, and the guild id for @everyone.
CREATE TABLE message_mentions (
    channel_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    target_id  BIGINT NOT NULL,
    author_id  BIGINT NOT NULL,
    PRIMARY KEY (channel_id, target_id, message_id),
    FOREIGN KEY (channel_id, message_id) REFERENCES messages (channel_id, id) ON DELETE CASCADE
);
CREATE INDEX message_mentions_message ON message_mentions (channel_id, message_id);

CREATE TABLE read_states (
    user_id         BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    last_message_id BIGINT NOT NULL,
    last_pin_ms     BIGINT,
    PRIMARY KEY (user_id, channel_id)
);
CREATE INDEX read_states_channel ON read_states (channel_id);
