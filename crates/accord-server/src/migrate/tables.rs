//! What `migrate-store` copies: every table, in dependency order (a table comes after the
//! tables its foreign keys point at), with each column's PostgreSQL type. The SQLite type of
//! a column follows from it: INTEGER for the integer kinds and booleans (0/1), TEXT for text
//! and for id lists (JSON arrays of integers).
//!
//! A table or column missing here is not silently skipped: the migration checks both schemas
//! against this list before copying (see `schema`), and a test compares it with SQLite's.

use Kind::{BigInt, Boolean, IdList, Integer, SmallInt, Text};

/// One table to copy.
#[derive(Debug)]
pub struct Table {
    /// The table's name, the same in both schemas.
    pub name: &'static str,
    /// Every column of the PostgreSQL table, in order.
    pub columns: &'static [Column],
    /// The SQLite `ORDER BY` the rows are read in (the primary key, or insertion order).
    pub order_by: &'static str,
    /// A PostgreSQL identity column whose values are copied and whose sequence must then
    /// continue past them.
    pub identity: Option<&'static str>,
}

/// One column of a [`Table`].
#[derive(Debug)]
pub struct Column {
    /// The column's name in PostgreSQL.
    pub name: &'static str,
    /// Its PostgreSQL type.
    pub kind: Kind,
    /// The SQLite expression computing it when SQLite has no column of that name.
    pub derived: Option<&'static str>,
}

/// A column's PostgreSQL type, which decides the conversion from SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// BIGINT from INTEGER: snowflakes, u64 bit sets and times (bit-for-bit), u32 values.
    BigInt,
    /// INTEGER (32 bits) from INTEGER, checked to fit.
    Integer,
    /// SMALLINT from INTEGER, checked to fit.
    SmallInt,
    /// BOOLEAN from INTEGER 0 or 1.
    Boolean,
    /// TEXT from TEXT.
    Text,
    /// BIGINT[] from a JSON array of integers in TEXT, keeping its order.
    IdList,
}

impl Kind {
    /// The type as `information_schema.columns` names it: `(data_type, udt_name)`.
    pub(crate) fn information_schema(self) -> (&'static str, &'static str) {
        match self {
            Kind::BigInt => ("bigint", "int8"),
            Kind::Integer => ("integer", "int4"),
            Kind::SmallInt => ("smallint", "int2"),
            Kind::Boolean => ("boolean", "bool"),
            Kind::Text => ("text", "text"),
            Kind::IdList => ("ARRAY", "_int8"),
        }
    }
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, derived: None }
}

/// Every table, in the order they are copied: users with their sessions, emailed tokens,
/// second factors, relationships and settings first, then guilds and what they contain
/// (bans and the audit log included), private channels and messages after their channels,
/// and the outbox last.
pub const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            col("id", BigInt),
            col("username", Text),
            col("global_name", Text),
            col("email", Text),
            col("avatar", Text),
            col("bot", Boolean),
            col("flags", BigInt),
            col("token_generation", BigInt),
            col("password_hash", Text),
            col("verified", Boolean),
            col("mfa_enabled", Boolean),
        ],
        order_by: "id",
        identity: None,
    },
    Table {
        name: "sessions",
        columns: &[col("id", BigInt), col("user_id", BigInt), col("created_ms", BigInt), col("revoked", Boolean)],
        order_by: "id",
        identity: None,
    },
    Table {
        name: "refresh_tokens",
        columns: &[
            col("token_hash", Text),
            col("session_id", BigInt),
            col("user_id", BigInt),
            col("issued_ms", BigInt),
            col("rotated_ms", BigInt),
            col("replays", BigInt),
        ],
        order_by: "token_hash",
        identity: None,
    },
    // Emailed tokens not used yet (by hash), and TOTP factors with their recovery codes.
    Table {
        name: "one_time_tokens",
        columns: &[
            col("token_hash", Text),
            col("purpose", SmallInt),
            col("user_id", BigInt),
            col("email", Text),
            col("created_ms", BigInt),
            col("expires_ms", BigInt),
        ],
        order_by: "token_hash",
        identity: None,
    },
    Table {
        name: "totp_secrets",
        columns: &[col("user_id", BigInt), col("secret", Text), col("last_step", BigInt), col("enabled_ms", BigInt)],
        order_by: "user_id",
        identity: None,
    },
    Table {
        name: "recovery_codes",
        columns: &[col("user_id", BigInt), col("code_hash", Text), col("used", Boolean)],
        order_by: "user_id, code_hash",
        identity: None,
    },
    Table {
        name: "applications",
        columns: &[
            col("id", BigInt),
            col("owner_id", BigInt),
            col("bot_user_id", BigInt),
            col("name", Text),
            col("description", Text),
            col("icon", Text),
            col("flags", BigInt),
            col("bot_public", Boolean),
            col("bot_require_code_grant", Boolean),
        ],
        order_by: "id",
        identity: None,
    },
    // Both sides of each pair; users carry no foreign keys, so any place after them would do.
    Table {
        name: "relationships",
        columns: &[col("user_id", BigInt), col("other_id", BigInt), col("kind", SmallInt), col("since_ms", BigInt)],
        order_by: "user_id, other_id",
        identity: None,
    },
    // One settings document per user; no foreign keys either.
    Table {
        name: "user_settings",
        columns: &[col("user_id", BigInt), col("settings", Text)],
        order_by: "user_id",
        identity: None,
    },
    Table {
        name: "guilds",
        columns: &[
            col("id", BigInt),
            col("name", Text),
            col("icon", Text),
            col("description", Text),
            col("owner_id", BigInt),
            col("verification_level", SmallInt),
            col("default_message_notifications", SmallInt),
            col("explicit_content_filter", SmallInt),
            col("afk_channel_id", BigInt),
            col("afk_timeout", BigInt),
            col("system_channel_id", BigInt),
            col("preferred_locale", Text),
        ],
        order_by: "id",
        identity: None,
    },
    Table {
        name: "roles",
        columns: &[
            col("id", BigInt),
            col("guild_id", BigInt),
            col("name", Text),
            col("color", BigInt),
            col("hoist", Boolean),
            col("position", Integer),
            col("permissions", BigInt),
            col("managed", Boolean),
            col("mentionable", Boolean),
        ],
        order_by: "id",
        identity: None,
    },
    Table {
        name: "guild_emojis",
        columns: &[
            col("id", BigInt),
            col("guild_id", BigInt),
            col("name", Text),
            col("creator_id", BigInt),
            col("animated", Boolean),
            col("available", Boolean),
            col("roles", IdList),
        ],
        order_by: "id",
        identity: None,
    },
    // `parent_id` points into the same table; PostgreSQL checks it at commit.
    Table {
        name: "channels",
        columns: &[
            col("id", BigInt),
            col("guild_id", BigInt),
            col("kind", SmallInt),
            col("name", Text),
            col("position", Integer),
            col("parent_id", BigInt),
            col("topic", Text),
            col("nsfw", Boolean),
            col("rate_limit_per_user", BigInt),
            col("bitrate", BigInt),
            col("user_limit", BigInt),
            col("last_message_id", BigInt),
            col("owner_id", BigInt),
            col("archived", Boolean),
            col("locked", Boolean),
            col("invitable", Boolean),
            col("auto_archive_minutes", Integer),
            col("archive_ms", BigInt),
            col("thread_created_ms", BigInt),
            col("message_count", Integer),
            col("member_count", Integer),
            col("total_message_sent", Integer),
            col("applied_tags", IdList),
            col("forum", Text),
        ],
        // A thread's id is larger than its parent's, so parents come first.
        order_by: "id",
        identity: None,
    },
    // SQLite keeps a channel's overwrites in insertion (rowid) order; PostgreSQL numbers them.
    Table {
        name: "channel_overwrites",
        columns: &[
            col("channel_id", BigInt),
            col("target_id", BigInt),
            col("kind", SmallInt),
            col("allow", BigInt),
            col("deny", BigInt),
            Column {
                name: "position",
                kind: Integer,
                derived: Some("ROW_NUMBER() OVER (PARTITION BY channel_id ORDER BY rowid) - 1"),
            },
        ],
        order_by: "channel_id, rowid",
        identity: None,
    },
    // DMs and group DMs: their rows of `channels` come first.
    Table {
        name: "private_channels",
        columns: &[col("channel_id", BigInt), col("owner_id", BigInt), col("icon", Text), col("pair_key", Text)],
        order_by: "channel_id",
        identity: None,
    },
    Table {
        name: "channel_recipients",
        columns: &[col("channel_id", BigInt), col("user_id", BigInt), col("position", Integer), col("open", Boolean)],
        order_by: "channel_id, user_id",
        identity: None,
    },
    Table {
        name: "members",
        columns: &[
            col("guild_id", BigInt),
            col("user_id", BigInt),
            col("nick", Text),
            col("roles", IdList),
            col("joined_ms", BigInt),
            col("deaf", Boolean),
            col("mute", Boolean),
            col("flags", BigInt),
            col("communication_disabled_until_ms", BigInt),
        ],
        order_by: "guild_id, user_id",
        identity: None,
    },
    Table {
        name: "temporary_members",
        columns: &[col("guild_id", BigInt), col("user_id", BigInt)],
        order_by: "guild_id, user_id",
        identity: None,
    },
    Table {
        name: "invites",
        columns: &[
            col("code", Text),
            col("guild_id", BigInt),
            col("channel_id", BigInt),
            col("inviter_id", BigInt),
            col("max_age", BigInt),
            col("max_uses", BigInt),
            col("uses", BigInt),
            col("temporary", Boolean),
            col("created_ms", BigInt),
        ],
        order_by: "code",
        identity: None,
    },
    Table {
        name: "bans",
        columns: &[col("guild_id", BigInt), col("user_id", BigInt), col("reason", Text), col("created_ms", BigInt)],
        order_by: "guild_id, user_id",
        identity: None,
    },
    Table {
        name: "audit_log",
        columns: &[
            col("id", BigInt),
            col("guild_id", BigInt),
            col("user_id", BigInt),
            col("action_type", Integer),
            col("data", Text),
        ],
        order_by: "id",
        identity: None,
    },
    Table {
        name: "messages",
        columns: &[
            col("channel_id", BigInt),
            col("id", BigInt),
            col("guild_id", BigInt),
            col("author_id", BigInt),
            col("content", Text),
            col("nonce", Text),
            col("enforced_nonce", Boolean),
            col("tts", Boolean),
            col("kind", SmallInt),
            col("flags", BigInt),
            col("edited_ms", BigInt),
            col("pinned", Boolean),
            col("mention_everyone", Boolean),
            col("mention_user_ids", IdList),
            col("mention_role_ids", IdList),
            col("ref_message_id", BigInt),
            col("ref_channel_id", BigInt),
            col("ref_guild_id", BigInt),
            col("pinned_ms", BigInt),
            col("attachments", Text),
            col("embeds", Text),
            col("has_bits", Integer),
        ],
        order_by: "channel_id, id",
        identity: None,
    },
    Table {
        name: "reactions",
        columns: &[
            col("channel_id", BigInt),
            col("message_id", BigInt),
            col("emoji", Text),
            col("user_id", BigInt),
            col("id", BigInt),
            col("emoji_id", BigInt),
            col("emoji_name", Text),
            col("animated", Boolean),
        ],
        order_by: "channel_id, message_id, emoji, user_id",
        identity: None,
    },
    Table {
        name: "message_versions",
        columns: &[
            col("channel_id", BigInt),
            col("message_id", BigInt),
            col("version", Integer),
            col("content", Text),
            col("embeds", Text),
            col("written_ms", BigInt),
            col("replaced_ms", BigInt),
        ],
        order_by: "channel_id, message_id, version",
        identity: None,
    },
    Table {
        name: "message_mentions",
        columns: &[
            col("channel_id", BigInt),
            col("message_id", BigInt),
            col("target_id", BigInt),
            col("author_id", BigInt),
        ],
        order_by: "channel_id, target_id, message_id",
        identity: None,
    },
    Table {
        name: "read_states",
        columns: &[
            col("user_id", BigInt),
            col("channel_id", BigInt),
            col("last_message_id", BigInt),
            col("last_pin_ms", BigInt),
        ],
        order_by: "user_id, channel_id",
        identity: None,
    },
    Table {
        name: "thread_members",
        columns: &[col("thread_id", BigInt), col("user_id", BigInt), col("joined_ms", BigInt), col("flags", BigInt)],
        order_by: "thread_id, user_id",
        identity: None,
    },
    // Events not yet published; the relay of the new installation publishes them.
    Table {
        name: "outbox",
        columns: &[
            col("position", BigInt),
            col("id", BigInt),
            col("name", Text),
            col("guild_id", BigInt),
            col("channel_id", BigInt),
            col("user_ids", IdList),
            col("data", Text),
        ],
        order_by: "position",
        identity: Some("position"),
    },
];

/// SQLite tables that belong to SQLite or sqlx, not to Accord's data, and the full-text index
/// with its shadow tables, which PostgreSQL derives itself (its `search` column).
pub fn is_bookkeeping(name: &str) -> bool {
    name.starts_with("sqlite_") || name == "_sqlx_migrations" || name.starts_with("message_search")
}

impl Table {
    /// The SQLite `SELECT` reading every row in PostgreSQL's column order.
    pub(crate) fn select_sql(&self) -> String {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|c| match c.derived {
                Some(expr) => format!("{expr} AS {}", c.name),
                None => c.name.to_owned(),
            })
            .collect();
        format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), self.name, self.order_by)
    }

    /// The columns SQLite has under the same name.
    pub fn sqlite_columns(&self) -> impl Iterator<Item = &'static str> {
        self.columns.iter().filter(|c| c.derived.is_none()).map(|c| c.name)
    }
}
