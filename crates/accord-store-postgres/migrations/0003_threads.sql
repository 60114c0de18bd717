-- Threads and forums. A thread is a channel whose `owner_id` is set; its parent is
-- `parent_id`. The counts are kept by the store. `applied_tags` holds tag ids; `forum` a
-- forum's settings as JSON text (see accord_store::codec).
ALTER TABLE channels ADD COLUMN owner_id BIGINT;
ALTER TABLE channels ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE channels ADD COLUMN locked BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE channels ADD COLUMN invitable BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE channels ADD COLUMN auto_archive_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN archive_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN thread_created_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN total_message_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN applied_tags BIGINT[] NOT NULL DEFAULT '{}';
ALTER TABLE channels ADD COLUMN forum TEXT;
CREATE INDEX channels_threads ON channels (guild_id, archived, last_message_id) WHERE owner_id IS NOT NULL;
CREATE INDEX channels_archived_threads ON channels (parent_id, archive_ms) WHERE owner_id IS NOT NULL;

CREATE TABLE thread_members (
    thread_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL,
    joined_ms BIGINT NOT NULL,
    flags     BIGINT NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_members_user ON thread_members (user_id, thread_id);
