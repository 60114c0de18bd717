//! Discord's permission bits and the one algorithm that computes them (owner, @everyone and
//! roles, ADMINISTRATOR, channel overwrites, implicit rules), plus role hierarchy.
//! Pure functions over small views, so the same code serves REST checks and gateway fan-out.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

bitflags::bitflags! {
    /// Discord's permission bit set; decimal strings on the wire.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct Permissions: u64 {
        const CREATE_INSTANT_INVITE = 1 << 0;
        const KICK_MEMBERS = 1 << 1;
        const BAN_MEMBERS = 1 << 2;
        const ADMINISTRATOR = 1 << 3;
        const MANAGE_CHANNELS = 1 << 4;
        const MANAGE_GUILD = 1 << 5;
        const ADD_REACTIONS = 1 << 6;
        const VIEW_AUDIT_LOG = 1 << 7;
        const PRIORITY_SPEAKER = 1 << 8;
        const STREAM = 1 << 9;
        const VIEW_CHANNEL = 1 << 10;
        const SEND_MESSAGES = 1 << 11;
        const SEND_TTS_MESSAGES = 1 << 12;
        const MANAGE_MESSAGES = 1 << 13;
        const EMBED_LINKS = 1 << 14;
        const ATTACH_FILES = 1 << 15;
        const READ_MESSAGE_HISTORY = 1 << 16;
        const MENTION_EVERYONE = 1 << 17;
        const USE_EXTERNAL_EMOJIS = 1 << 18;
        const VIEW_GUILD_INSIGHTS = 1 << 19;
        const CONNECT = 1 << 20;
        const SPEAK = 1 << 21;
        const MUTE_MEMBERS = 1 << 22;
        const DEAFEN_MEMBERS = 1 << 23;
        const MOVE_MEMBERS = 1 << 24;
        const USE_VAD = 1 << 25;
        const CHANGE_NICKNAME = 1 << 26;
        const MANAGE_NICKNAMES = 1 << 27;
        const MANAGE_ROLES = 1 << 28;
        const MANAGE_WEBHOOKS = 1 << 29;
        const MANAGE_GUILD_EXPRESSIONS = 1 << 30;
        const USE_APPLICATION_COMMANDS = 1 << 31;
        const REQUEST_TO_SPEAK = 1 << 32;
        const MANAGE_EVENTS = 1 << 33;
        const MANAGE_THREADS = 1 << 34;
        const CREATE_PUBLIC_THREADS = 1 << 35;
        const CREATE_PRIVATE_THREADS = 1 << 36;
        const USE_EXTERNAL_STICKERS = 1 << 37;
        const SEND_MESSAGES_IN_THREADS = 1 << 38;
        const USE_EMBEDDED_ACTIVITIES = 1 << 39;
        const MODERATE_MEMBERS = 1 << 40;
        const VIEW_CREATOR_MONETIZATION_ANALYTICS = 1 << 41;
        const USE_SOUNDBOARD = 1 << 42;
        const CREATE_GUILD_EXPRESSIONS = 1 << 43;
        const CREATE_EVENTS = 1 << 44;
        const USE_EXTERNAL_SOUNDS = 1 << 45;
        const SEND_VOICE_MESSAGES = 1 << 46;
        const SET_VOICE_CHANNEL_STATUS = 1 << 48;
        const SEND_POLLS = 1 << 49;
        const USE_EXTERNAL_APPS = 1 << 50;
        const PIN_MESSAGES = 1 << 51;
        const BYPASS_SLOWMODE = 1 << 52;
    }
}

impl Permissions {
    /// What `@everyone` may do in a new guild, as Discord sets it.
    pub const DEFAULT_EVERYONE: Self = Self::CREATE_INSTANT_INVITE
        .union(Self::ADD_REACTIONS)
        .union(Self::STREAM)
        .union(Self::VIEW_CHANNEL)
        .union(Self::SEND_MESSAGES)
        .union(Self::EMBED_LINKS)
        .union(Self::ATTACH_FILES)
        .union(Self::READ_MESSAGE_HISTORY)
        .union(Self::MENTION_EVERYONE)
        .union(Self::USE_EXTERNAL_EMOJIS)
        .union(Self::CONNECT)
        .union(Self::SPEAK)
        .union(Self::USE_VAD)
        .union(Self::CHANGE_NICKNAME)
        .union(Self::USE_APPLICATION_COMMANDS)
        .union(Self::REQUEST_TO_SPEAK)
        .union(Self::CREATE_PUBLIC_THREADS)
        .union(Self::CREATE_PRIVATE_THREADS)
        .union(Self::USE_EXTERNAL_STICKERS)
        .union(Self::SEND_MESSAGES_IN_THREADS)
        .union(Self::USE_EMBEDDED_ACTIVITIES)
        .union(Self::USE_SOUNDBOARD)
        .union(Self::USE_EXTERNAL_SOUNDS)
        .union(Self::SEND_VOICE_MESSAGES)
        .union(Self::SEND_POLLS)
        .union(Self::USE_EXTERNAL_APPS)
        .union(Self::CREATE_GUILD_EXPRESSIONS)
        .union(Self::CREATE_EVENTS);

    /// Dropped when SEND_MESSAGES is missing.
    const SEND_DEPENDENT: Self =
        Self::MENTION_EVERYONE.union(Self::SEND_TTS_MESSAGES).union(Self::ATTACH_FILES).union(Self::EMBED_LINKS);

    /// Dropped in a voice or stage channel when CONNECT is missing.
    const CONNECT_DEPENDENT: Self = Self::SPEAK
        .union(Self::STREAM)
        .union(Self::MUTE_MEMBERS)
        .union(Self::DEAFEN_MEMBERS)
        .union(Self::MOVE_MEMBERS)
        .union(Self::USE_VAD)
        .union(Self::PRIORITY_SPEAKER)
        .union(Self::REQUEST_TO_SPEAK)
        .union(Self::USE_SOUNDBOARD)
        .union(Self::USE_EXTERNAL_SOUNDS)
        .union(Self::USE_EMBEDDED_ACTIVITIES)
        .union(Self::SET_VOICE_CHANNEL_STATUS)
        .union(Self::MANAGE_CHANNELS)
        .union(Self::MANAGE_ROLES);

    /// All a timed-out member keeps.
    const TIMED_OUT_KEEPS: Self = Self::VIEW_CHANNEL.union(Self::READ_MESSAGE_HISTORY);

    /// Parses a decimal string from the wire; unknown bits are rejected.
    pub fn parse_decimal(s: &str) -> Option<Self> {
        if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u64>().ok().and_then(Self::from_bits)
    }
}

impl Serialize for Permissions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.bits())
    }
}

impl<'de> Deserialize<'de> for Permissions {
    /// Decimal strings (the wire form) or integers.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Str(String),
            Int(u64),
        }
        let parsed = match Raw::deserialize(d)? {
            Raw::Str(s) => Self::parse_decimal(&s),
            Raw::Int(n) => Self::from_bits(n),
        };
        parsed.ok_or_else(|| serde::de::Error::custom("invalid permission bits"))
    }
}

/// A role as the algorithm needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleView {
    pub id: u64,
    pub position: i64,
    pub permissions: Permissions,
}

/// Who a channel overwrite targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverwriteTarget {
    Role,
    Member,
}

/// A channel permission overwrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverwriteView {
    pub id: u64,
    pub target: OverwriteTarget,
    pub allow: Permissions,
    pub deny: Permissions,
}

/// The guild facts the algorithm needs: its id (also @everyone's role id), owner and roles.
#[derive(Debug, Clone, Copy)]
pub struct GuildView<'a> {
    pub guild_id: u64,
    pub owner_id: u64,
    /// Every role of the guild, @everyone included.
    pub roles: &'a [RoleView],
}

/// The member facts the algorithm needs.
#[derive(Debug, Clone, Copy)]
pub struct MemberView<'a> {
    pub user_id: u64,
    /// The member's roles, @everyone excluded.
    pub role_ids: &'a [u64],
    /// `communication_disabled_until` is in the future.
    pub timed_out: bool,
}

/// Whether a channel is voice-like (voice or stage), where CONNECT gates the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelClass {
    Text,
    Voice,
}

impl GuildView<'_> {
    fn role(&self, id: u64) -> Option<&RoleView> {
        self.roles.iter().find(|r| r.id == id)
    }

    fn member_roles<'m>(&'m self, member: &'m MemberView<'m>) -> impl Iterator<Item = &'m RoleView> + 'm {
        member.role_ids.iter().filter_map(|id| self.role(*id))
    }
}

/// Guild-level permissions of a member.
pub fn guild_permissions(guild: &GuildView<'_>, member: &MemberView<'_>) -> Permissions {
    if member.user_id == guild.owner_id {
        return Permissions::all();
    }
    let everyone = guild.role(guild.guild_id).map_or(Permissions::empty(), |r| r.permissions);
    let base = guild.member_roles(member).fold(everyone, |acc, r| acc | r.permissions);
    if base.contains(Permissions::ADMINISTRATOR) {
        return Permissions::all();
    }
    if member.timed_out {
        return base & Permissions::TIMED_OUT_KEEPS;
    }
    base
}

/// Channel-level permissions of a member: guild permissions, then the channel's overwrites in
/// Discord's fixed order, then the implicit rules.
pub fn channel_permissions(
    guild: &GuildView<'_>,
    member: &MemberView<'_>,
    overwrites: &[OverwriteView],
    class: ChannelClass,
) -> Permissions {
    let base = guild_permissions(guild, member);
    if base == Permissions::all() && (member.user_id == guild.owner_id || is_admin(guild, member)) {
        return Permissions::all();
    }
    let mut perms = base;
    let find = |id: u64, target: OverwriteTarget| overwrites.iter().find(|o| o.id == id && o.target == target);
    if let Some(o) = find(guild.guild_id, OverwriteTarget::Role) {
        perms = (perms & !o.deny) | o.allow;
    }
    let (mut allow, mut deny) = (Permissions::empty(), Permissions::empty());
    for role_id in member.role_ids {
        if let Some(o) = find(*role_id, OverwriteTarget::Role) {
            allow |= o.allow;
            deny |= o.deny;
        }
    }
    perms = (perms & !deny) | allow;
    if let Some(o) = find(member.user_id, OverwriteTarget::Member) {
        perms = (perms & !o.deny) | o.allow;
    }
    apply_implicit_rules(perms, member.timed_out, class)
}

fn is_admin(guild: &GuildView<'_>, member: &MemberView<'_>) -> bool {
    let everyone = guild.role(guild.guild_id).map_or(Permissions::empty(), |r| r.permissions);
    guild.member_roles(member).fold(everyone, |acc, r| acc | r.permissions).contains(Permissions::ADMINISTRATOR)
}

fn apply_implicit_rules(mut perms: Permissions, timed_out: bool, class: ChannelClass) -> Permissions {
    if timed_out {
        perms &= Permissions::TIMED_OUT_KEEPS;
    }
    if !perms.contains(Permissions::VIEW_CHANNEL) {
        return Permissions::empty();
    }
    if !perms.contains(Permissions::SEND_MESSAGES) {
        perms -= Permissions::SEND_DEPENDENT;
    }
    if class == ChannelClass::Voice && !perms.contains(Permissions::CONNECT) {
        perms -= Permissions::CONNECT_DEPENDENT;
    }
    perms
}

/// A position in the role hierarchy; higher ranks outrank lower ones. Equal positions are
/// broken by id: the older (smaller) id ranks higher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank(i64, std::cmp::Reverse<u64>);

impl Rank {
    /// The guild owner outranks everything.
    pub const OWNER: Rank = Rank(i64::MAX, std::cmp::Reverse(0));

    pub fn of_role(role: &RoleView) -> Rank {
        Rank(role.position, std::cmp::Reverse(role.id))
    }
}

/// The rank of a member's highest role (@everyone counts as the bottom).
pub fn member_rank(guild: &GuildView<'_>, member: &MemberView<'_>) -> Rank {
    if member.user_id == guild.owner_id {
        return Rank::OWNER;
    }
    let everyone = guild.role(guild.guild_id).map_or(Rank(0, std::cmp::Reverse(guild.guild_id)), Rank::of_role);
    guild.member_roles(member).map(Rank::of_role).fold(everyone, Rank::max)
}

/// Whether `actor` may manage (assign, edit, move, delete) `role`: it must rank strictly below
/// the actor's highest role.
pub fn can_manage_role(guild: &GuildView<'_>, actor: &MemberView<'_>, role: &RoleView) -> bool {
    member_rank(guild, actor) > Rank::of_role(role)
}

/// Whether `actor` may moderate `target` (kick, ban, nick, roles): the owner can never be
/// moderated, and otherwise the actor must strictly outrank the target.
pub fn outranks(guild: &GuildView<'_>, actor: &MemberView<'_>, target: &MemberView<'_>) -> bool {
    target.user_id != guild.owner_id && member_rank(guild, actor) > member_rank(guild, target)
}

#[cfg(test)]
mod tests;
