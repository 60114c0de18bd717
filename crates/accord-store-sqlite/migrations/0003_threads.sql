-- Threads and forums. A thread is a channel whose `owner_id` is set; its parent is
-- `parent_id`. The counts are kept by the store. `applied_tags` is a JSON array of tag ids;
-- `forum` a forum's settings as JSON (see accord_store::codec).
ALTER TABLE channels ADD COLUMN owner_id INTEGER;
ALTER TABLE channels ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN invitable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE channels ADD COLUMN auto_archive_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN archive_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN thread_created_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN total_message_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN applied_tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE channels ADD COLUMN forum TEXT;
CREATE INDEX channels_threads ON channels (guild_id, archived, last_message_id) WHERE owner_id IS NOT NULL;
CREATE INDEX channels_archived_threads ON channels (parent_id, archive_ms) WHERE owner_id IS NOT NULL;

CREATE TABLE thread_members (
    thread_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    joined_ms INTEGER NOT NULL,
    flags     INTEGER NOT NULL,
    PRIMARY KEY (thread_id, user_id)
) WITHOUT ROWID;
CREATE INDEX thread_members_user ON thread_members (user_id, thread_id);
