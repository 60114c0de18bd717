-- Members who joined through a temporary invite and have no role yet: they leave the guild
-- when they go offline. A row goes with its membership.
CREATE TABLE temporary_members (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) WITHOUT ROWID;
