//! Plain records, as stored. Times are Unix milliseconds; ids are [`Snowflake`]s; permission
//! bit sets are `u64`. No wire concerns here: services render records into API objects.

use accord_core::Snowflake;

/// A user account (people and bots).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: Snowflake,
    /// Unique, compared case-insensitively.
    pub username: String,
    pub global_name: Option<String>,
    /// Unique when present, compared case-insensitively; bots have none.
    pub email: Option<String>,
    /// Image hash (32 lowercase hex) or none.
    pub avatar: Option<String>,
    pub bot: bool,
    /// Discord's user flags.
    pub flags: u64,
    /// For bots: the current token generation; bumping it revokes older bot tokens.
    pub token_generation: u64,
    /// Whether the user proved they receive mail at `email` (see [`crate::SecurityStore`]).
    pub verified: bool,
    /// Whether logins need a second factor (TOTP).
    pub mfa_enabled: bool,
}

/// A user and their password hash (PHC string), for login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: UserRecord,
    pub password_hash: String,
}

/// A login session: one refresh-token family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: Snowflake,
    pub user_id: Snowflake,
    pub created_ms: u64,
    pub revoked: bool,
}

/// One refresh token of a session, stored by hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRecord {
    /// SHA-256 hex of the token.
    pub token_hash: String,
    pub session_id: Snowflake,
    pub user_id: Snowflake,
    pub issued_ms: u64,
    /// When it was exchanged for its successor; none while it is the live token.
    pub rotated_ms: Option<u64>,
    /// How many times it was presented again after rotation, within the grace window.
    pub replays: u32,
}

/// An application (bot owner's registration) with its bot user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub id: Snowflake,
    pub owner_id: Snowflake,
    pub bot_user_id: Snowflake,
    pub name: String,
    pub description: String,
    pub icon: Option<String>,
    /// Discord's application flags; the GATEWAY_* bits grant privileged intents.
    pub flags: u64,
    pub bot_public: bool,
    pub bot_require_code_grant: bool,
}

/// A guild's own settings (its roles, channels and members are separate records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildRecord {
    pub id: Snowflake,
    pub name: String,
    pub icon: Option<String>,
    pub description: Option<String>,
    pub owner_id: Snowflake,
    pub verification_level: u8,
    pub default_message_notifications: u8,
    pub explicit_content_filter: u8,
    pub afk_channel_id: Option<Snowflake>,
    pub afk_timeout: u32,
    pub system_channel_id: Option<Snowflake>,
    pub preferred_locale: String,
}

/// A channel permission overwrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverwriteRecord {
    /// Role id (kind 0) or user id (kind 1).
    pub id: Snowflake,
    /// 0 role, 1 member.
    pub kind: u8,
    pub allow: u64,
    pub deny: u64,
}

/// A channel, with its overwrites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRecord {
    pub id: Snowflake,
    pub guild_id: Option<Snowflake>,
    /// Discord channel type (0 text, 2 voice, 4 category, 5 announcement, 13 stage, 15 forum...).
    pub kind: u8,
    pub name: String,
    pub position: i32,
    pub parent_id: Option<Snowflake>,
    pub topic: Option<String>,
    pub nsfw: bool,
    pub rate_limit_per_user: u32,
    pub bitrate: Option<u32>,
    pub user_limit: Option<u32>,
    /// Maintained by the store when a message is created.
    pub last_message_id: Option<Snowflake>,
    pub overwrites: Vec<OverwriteRecord>,
    /// Threads (types 10, 11, 12) only; their parent is `parent_id`.
    pub thread: Option<ThreadRecord>,
    /// Forum channels (type 15) only.
    pub forum: Option<ForumRecord>,
}

impl ChannelRecord {
    pub fn is_thread(&self) -> bool {
        self.thread.is_some()
    }
}

/// What a thread has beyond a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadRecord {
    pub owner_id: Snowflake,
    pub archived: bool,
    pub locked: bool,
    /// Private threads: whether members who are not moderators may add others.
    pub invitable: bool,
    /// Minutes without activity after which it archives: 60, 1440, 4320 or 10080.
    pub auto_archive_minutes: u32,
    /// When `archived` last changed (its creation until then).
    pub archive_ms: u64,
    pub created_ms: u64,
    /// Maintained by the store: messages now in it (the starter of a forum post excluded),
    /// members, and messages ever sent.
    pub message_count: u32,
    pub member_count: u32,
    pub total_message_sent: u32,
    /// Forum posts: tags of the parent forum.
    pub applied_tags: Vec<Snowflake>,
}

/// A forum's tags and defaults for its posts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForumRecord {
    pub tags: Vec<ForumTag>,
    /// 0 latest activity, 1 creation time; none when unset.
    pub default_sort_order: Option<u8>,
    /// 0 not set, 1 list, 2 gallery.
    pub default_layout: u8,
    pub default_reaction_emoji: Option<ReactionEmoji>,
    pub default_thread_rate_limit_per_user: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumTag {
    pub id: Snowflake,
    pub name: String,
    /// Only members with MANAGE_THREADS may apply it.
    pub moderated: bool,
    pub emoji_id: Option<Snowflake>,
    pub emoji_name: Option<String>,
}

/// A guild's custom emoji; its image is in the blob store under its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmojiRecord {
    pub id: Snowflake,
    pub guild_id: Snowflake,
    /// 2..=32 of ASCII letters, digits and `_`.
    pub name: String,
    pub creator_id: Option<Snowflake>,
    pub animated: bool,
    pub available: bool,
    /// Roles allowed to use it; empty for everyone.
    pub roles: Vec<Snowflake>,
}

/// A user in a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadMemberRecord {
    pub thread_id: Snowflake,
    pub user_id: Snowflake,
    pub joined_ms: u64,
    pub flags: u64,
}

/// A guild role. The @everyone role's id is the guild id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    pub id: Snowflake,
    pub guild_id: Snowflake,
    pub name: String,
    pub color: u32,
    pub hoist: bool,
    pub position: i32,
    pub permissions: u64,
    pub managed: bool,
    pub mentionable: bool,
}

/// A guild membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub guild_id: Snowflake,
    pub user_id: Snowflake,
    pub nick: Option<String>,
    /// Role ids, @everyone excluded, no duplicates.
    pub roles: Vec<Snowflake>,
    pub joined_ms: u64,
    pub deaf: bool,
    pub mute: bool,
    pub flags: u64,
    pub communication_disabled_until_ms: Option<u64>,
}

impl MemberRecord {
    /// A member who joined at `joined_ms`, with no nick, roles, timeout or voice state.
    pub fn joining(guild_id: Snowflake, user_id: Snowflake, joined_ms: u64) -> Self {
        Self {
            guild_id,
            user_id,
            nick: None,
            roles: Vec::new(),
            joined_ms,
            deaf: false,
            mute: false,
            flags: 0,
            communication_disabled_until_ms: None,
        }
    }
}

/// An invite to a guild channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    /// Unique, case-sensitive.
    pub code: String,
    pub guild_id: Snowflake,
    pub channel_id: Snowflake,
    pub inviter_id: Snowflake,
    /// Seconds; 0 means it never expires.
    pub max_age: u32,
    /// 0 means unlimited.
    pub max_uses: u32,
    pub uses: u32,
    pub temporary: bool,
    pub created_ms: u64,
}

impl InviteRecord {
    /// Whether the invite can still be used at `now_ms`.
    pub fn is_usable(&self, now_ms: u64) -> bool {
        let fresh = self.max_age == 0 || now_ms < self.created_ms + u64::from(self.max_age) * 1000;
        let left = self.max_uses == 0 || self.uses < self.max_uses;
        fresh && left
    }
}

/// Where a reply points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageReference {
    pub message_id: Snowflake,
    pub channel_id: Snowflake,
    pub guild_id: Option<Snowflake>,
}

/// A message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: Snowflake,
    pub channel_id: Snowflake,
    pub guild_id: Option<Snowflake>,
    pub author_id: Snowflake,
    pub content: String,
    /// Echoed back as sent.
    pub nonce: Option<String>,
    /// Set only with `enforce_nonce`: (author, nonce) is then unique.
    pub enforced_nonce: bool,
    pub tts: bool,
    /// Discord message type (0 default, 19 reply...).
    pub kind: u8,
    pub flags: u64,
    pub edited_ms: Option<u64>,
    /// When it was pinned; none while it is not.
    pub pinned_ms: Option<u64>,
    pub mention_everyone: bool,
    pub mention_user_ids: Vec<Snowflake>,
    pub mention_role_ids: Vec<Snowflake>,
    pub reference: Option<MessageReference>,
    pub attachments: Vec<AttachmentRecord>,
    /// The embeds as a JSON array, validated by the service (`[]` when there are none).
    pub embeds: String,
}

impl MessageRecord {
    /// What the message holds, as [`has`] bits, for search filters.
    pub fn has_bits(&self) -> u32 {
        let mut bits = 0;
        if self.content.contains("http://") || self.content.contains("https://") {
            bits |= has::LINK;
        }
        if self.embeds != "[]" {
            bits |= has::EMBED;
        }
        if !self.attachments.is_empty() {
            bits |= has::FILE;
        }
        for attachment in &self.attachments {
            if attachment.content_type.starts_with("image/") {
                bits |= has::IMAGE;
            } else if attachment.content_type.starts_with("video/") {
                bits |= has::VIDEO;
            } else if attachment.content_type.starts_with("audio/") {
                bits |= has::SOUND;
            }
        }
        bits
    }

    /// Who the message pings: mentioned users and roles, and the guild (the @everyone role's
    /// id) for `@everyone`.
    pub fn mention_targets(&self) -> Vec<Snowflake> {
        let mut targets: Vec<Snowflake> = self.mention_user_ids.iter().chain(&self.mention_role_ids).copied().collect();
        if let (true, Some(guild)) = (self.mention_everyone, self.guild_id) {
            targets.push(guild);
        }
        targets.sort_unstable();
        targets.dedup();
        targets
    }
}

/// Bits of [`MessageRecord::has_bits`]: what a search's `has` filter asks for.
pub mod has {
    pub const LINK: u32 = 1;
    pub const EMBED: u32 = 1 << 1;
    pub const FILE: u32 = 1 << 2;
    pub const IMAGE: u32 = 1 << 3;
    pub const VIDEO: u32 = 1 << 4;
    pub const SOUND: u32 = 1 << 5;
}

/// A file attached to a message; its bytes are in the blob store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: Snowflake,
    /// Sanitised: safe in a URL path, a blob key and a header.
    pub filename: String,
    pub size: u64,
    /// Sniffed from the bytes, never the client's claim.
    pub content_type: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub description: Option<String>,
}

/// A message's earlier version, kept when an edit replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageVersion {
    /// 1 for the original, counting up.
    pub version: u32,
    pub content: String,
    pub embeds: String,
    /// When this version was written (the message's creation or an earlier edit).
    pub written_ms: u64,
    /// When the next edit replaced it.
    pub replaced_ms: u64,
}

/// An emoji reacted with: a Unicode emoji (`id` none) or a custom one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionEmoji {
    pub id: Option<Snowflake>,
    pub name: String,
    pub animated: bool,
}

impl ReactionEmoji {
    /// What identifies the emoji among a message's reactions: a custom emoji's id, or the
    /// Unicode emoji itself.
    pub fn key(&self) -> String {
        self.id.map_or_else(|| self.name.clone(), |id| id.to_string())
    }
}

/// One emoji's reactions on a message, as a viewer sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionCount {
    pub message_id: Snowflake,
    pub emoji: ReactionEmoji,
    pub count: u32,
    /// Whether the viewer is among the reactors.
    pub me: bool,
}

/// How far a user has read a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadState {
    pub channel_id: Snowflake,
    /// None when the user never acknowledged a message there.
    pub last_message_id: Option<Snowflake>,
    /// Messages after `last_message_id` by others that ping the user.
    pub mention_count: u32,
    pub last_pin_ms: Option<u64>,
}

/// An event to publish once its change commits. Built by the service that makes the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDraft {
    /// Unique event id; the bus and the gateway use it to drop redeliveries.
    pub id: Snowflake,
    /// Discord event name (`MESSAGE_CREATE`, ...).
    pub name: String,
    /// The guild whose members may receive it, if any.
    pub guild_id: Option<Snowflake>,
    /// The channel whose VIEW_CHANNEL gates it, if any.
    pub channel_id: Option<Snowflake>,
    /// Users who receive it directly (DMs, the user's own sessions), in addition to the guild.
    pub user_ids: Vec<Snowflake>,
    /// The dispatch's `d`, serialised JSON.
    pub data: String,
}

/// An event stored in the outbox, with its commit position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// Increases with commit order.
    pub position: i64,
    pub event: EventDraft,
}
