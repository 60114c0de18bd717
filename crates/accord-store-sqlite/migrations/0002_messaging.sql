-- Messaging: pins, attachments and embeds, reactions, edit history, mentions, read states and
-- search.

-- `pinned` stays, kept equal to `pinned_ms IS NOT NULL`. `attachments` and `embeds` are JSON
-- arrays; `has_bits` caches what the message has (links, files, ...) for search filters.
ALTER TABLE messages ADD COLUMN pinned_ms INTEGER;
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN embeds TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN has_bits INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_pinned ON messages (channel_id, pinned_ms) WHERE pinned_ms IS NOT NULL;
CREATE INDEX messages_author ON messages (author_id, id);

-- `emoji` is the reaction's key: a custom emoji's id or the Unicode emoji; `id` counts up per
-- message, so each emoji's smallest orders a message's emoji by first use.
CREATE TABLE reactions (
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    emoji      TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    emoji_id   INTEGER,
    emoji_name TEXT    NOT NULL,
    animated   INTEGER NOT NULL,
    PRIMARY KEY (channel_id, message_id, emoji, user_id),
    FOREIGN KEY (channel_id, message_id) REFERENCES messages (channel_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- The versions edits replaced.
CREATE TABLE message_versions (
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    content     TEXT    NOT NULL,
    embeds      TEXT    NOT NULL,
    written_ms  INTEGER NOT NULL,
    replaced_ms INTEGER NOT NULL,
    PRIMARY KEY (channel_id, message_id, version),
    FOREIGN KEY (channel_id, message_id) REFERENCES messages (channel_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Whom each message pings: user ids, role ids, and the guild id for @everyone.
CREATE TABLE message_mentions (
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    target_id  INTEGER NOT NULL,
    author_id  INTEGER NOT NULL,
    PRIMARY KEY (channel_id, target_id, message_id),
    FOREIGN KEY (channel_id, message_id) REFERENCES messages (channel_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX message_mentions_message ON message_mentions (channel_id, message_id);

CREATE TABLE read_states (
    user_id         INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    last_message_id INTEGER NOT NULL,
    last_pin_ms     INTEGER,
    PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID;
CREATE INDEX read_states_channel ON read_states (channel_id);

-- Full-text search over message content: rowid is the message id. Contentless, so the text is
-- not stored twice; rows are added and removed with their messages.
CREATE VIRTUAL TABLE message_search USING fts5 (
    content,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
