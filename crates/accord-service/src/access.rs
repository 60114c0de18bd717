//! A caller's standing in a guild, loaded once per request: membership, guild and channel
//! permissions, and rank in the role hierarchy. The `require_*` methods answer the way
//! DESIGN.md asks: what the caller may not see is 404, what they see but may not change is 403.

use accord_core::code;
use accord_core::permissions::{
    self, ChannelClass, GuildView, MemberView, OverwriteTarget, OverwriteView, Rank, RoleView,
};
use accord_core::{Permissions, Snowflake};
use accord_store::{ChannelRecord, GuildRecord, MemberRecord, PrivateChannelRecord, RoleRecord, Store, StoreResult};

use crate::ApiError;
use crate::render::is_voice_kind;

/// Discord's private thread channel type.
pub const PRIVATE_THREAD: u8 = 12;

/// What everyone in a DM or group DM may do there. Pinning is allowed too (any recipient may
/// pin, as on Discord), which [`ChannelAccess::may_pin`] answers; deleting or editing others'
/// messages is not.
pub const PRIVATE_CHANNEL_PERMISSIONS: Permissions = Permissions::VIEW_CHANNEL
    .union(Permissions::SEND_MESSAGES)
    .union(Permissions::SEND_TTS_MESSAGES)
    .union(Permissions::EMBED_LINKS)
    .union(Permissions::ATTACH_FILES)
    .union(Permissions::READ_MESSAGE_HISTORY)
    .union(Permissions::ADD_REACTIONS)
    .union(Permissions::USE_EXTERNAL_EMOJIS)
    .union(Permissions::CONNECT)
    .union(Permissions::SPEAK)
    .union(Permissions::STREAM)
    .union(Permissions::USE_VAD);

/// The inactivity periods (minutes) after which a thread may archive itself.
pub const AUTO_ARCHIVE_MINUTES: [u32; 4] = [60, 1440, 4320, 10080];

/// A guild as seen by one user.
#[derive(Debug, Clone)]
pub struct GuildAccess {
    pub guild: GuildRecord,
    /// Every role, @everyone included, ordered by (position, id).
    pub roles: Vec<RoleRecord>,
    /// The caller's membership; none for non-members.
    pub member: Option<MemberRecord>,
    views: Vec<RoleView>,
}

impl GuildAccess {
    /// Loads the guild, its roles and the user's membership; none when the guild does not exist.
    pub async fn load(store: &dyn Store, guild_id: Snowflake, user_id: Snowflake) -> StoreResult<Option<Self>> {
        let standing = store.guild_standing(guild_id, user_id).await?;
        Ok(standing.map(|s| Self::from_parts(s.guild, s.roles, s.member)))
    }

    /// From records already loaded.
    pub fn from_parts(guild: GuildRecord, roles: Vec<RoleRecord>, member: Option<MemberRecord>) -> Self {
        let views = role_views(&roles);
        Self { guild, roles, member, views }
    }

    /// Whether the member sees `thread` of `parent`: a public thread with its parent, a private
    /// one only as its member (`joined`) or with MANAGE_THREADS.
    pub fn can_see_thread(&self, parent: &ChannelRecord, thread: &ChannelRecord, joined: bool) -> bool {
        let permissions = self.channel_permissions(parent);
        permissions.contains(Permissions::VIEW_CHANNEL)
            && (thread.kind != PRIVATE_THREAD || joined || permissions.contains(Permissions::MANAGE_THREADS))
    }

    /// Loads a guild the caller must belong to: a missing guild and a non-member both get 404.
    pub async fn require(store: &dyn Store, guild_id: Snowflake, user_id: Snowflake) -> Result<Self, ApiError> {
        match Self::load(store, guild_id, user_id).await? {
            Some(access) if access.member.is_some() => Ok(access),
            _ => Err(ApiError::new(&code::UNKNOWN_GUILD)),
        }
    }

    /// The same guild as seen by another of its members (e.g. to know whether a mentioned
    /// member can see a channel), without loading it again.
    pub fn as_member(&self, member: MemberRecord) -> Self {
        Self { member: Some(member), ..self.clone() }
    }

    fn view(&self) -> GuildView<'_> {
        GuildView { guild_id: self.guild.id.get(), owner_id: self.guild.owner_id.get(), roles: &self.views }
    }

    pub fn is_owner(&self) -> bool {
        self.member.as_ref().is_some_and(|m| m.user_id == self.guild.owner_id)
    }

    /// Guild-level permissions; empty for non-members.
    pub fn permissions(&self) -> Permissions {
        match &self.member {
            Some(m) => with_member_view(m, |mv| permissions::guild_permissions(&self.view(), mv)),
            None => Permissions::empty(),
        }
    }

    /// Permissions in one of the guild's channels; empty for non-members.
    pub fn channel_permissions(&self, channel: &ChannelRecord) -> Permissions {
        let Some(m) = &self.member else { return Permissions::empty() };
        let (overwrites, class) = overwrite_views(channel);
        with_member_view(m, |mv| permissions::channel_permissions(&self.view(), mv, &overwrites, class))
    }

    /// 403 Missing Permissions unless the caller has `needed` guild-wide.
    pub fn require_permission(&self, needed: Permissions) -> Result<(), ApiError> {
        check(self.permissions(), needed)
    }

    /// 404 Unknown Channel unless the caller sees the channel; then 403 unless they have `needed` in it.
    pub fn require_in_channel(&self, channel: &ChannelRecord, needed: Permissions) -> Result<Permissions, ApiError> {
        let perms = self.channel_permissions(channel);
        if !perms.contains(Permissions::VIEW_CHANNEL) {
            return Err(ApiError::new(&code::UNKNOWN_CHANNEL));
        }
        check(perms, needed).map(|()| perms)
    }

    /// The caller's rank in the role hierarchy.
    pub fn rank(&self) -> Rank {
        match &self.member {
            Some(m) => with_member_view(m, |mv| permissions::member_rank(&self.view(), mv)),
            None => Rank::of_role(&RoleView { id: u64::MAX, position: i64::MIN, permissions: Permissions::empty() }),
        }
    }

    /// Whether the caller ranks strictly above `role`.
    pub fn can_manage_role(&self, role: &RoleRecord) -> bool {
        let view =
            RoleView { id: role.id.get(), position: i64::from(role.position), permissions: Permissions::empty() };
        self.member.is_some() && self.rank() > Rank::of_role(&view)
    }

    /// Whether the caller may moderate `target` (never the owner; otherwise strictly outranks).
    pub fn outranks(&self, target: &MemberRecord) -> bool {
        let Some(actor) = &self.member else { return false };
        with_member_view(actor, |a| with_member_view(target, |t| permissions::outranks(&self.view(), a, t)))
    }

    pub fn role(&self, id: Snowflake) -> Option<&RoleRecord> {
        self.roles.iter().find(|r| r.id == id)
    }
}

/// Roles as the permission algorithm takes them.
pub fn role_views(roles: &[RoleRecord]) -> Vec<RoleView> {
    roles
        .iter()
        .map(|r| RoleView {
            id: r.id.get(),
            position: i64::from(r.position),
            permissions: Permissions::from_bits_truncate(r.permissions),
        })
        .collect()
}

/// A channel's overwrites and class as the permission algorithm takes them.
pub fn overwrite_views(channel: &ChannelRecord) -> (Vec<OverwriteView>, ChannelClass) {
    let overwrites = channel
        .overwrites
        .iter()
        .map(|o| OverwriteView {
            id: o.id.get(),
            target: if o.kind == 1 { OverwriteTarget::Member } else { OverwriteTarget::Role },
            allow: Permissions::from_bits_truncate(o.allow),
            deny: Permissions::from_bits_truncate(o.deny),
        })
        .collect();
    (overwrites, if is_voice_kind(channel.kind) { ChannelClass::Voice } else { ChannelClass::Text })
}

fn check(have: Permissions, needed: Permissions) -> Result<(), ApiError> {
    if have.contains(needed) { Ok(()) } else { Err(ApiError::new(&code::MISSING_PERMISSIONS)) }
}

fn with_member_view<T>(m: &MemberRecord, f: impl FnOnce(&MemberView<'_>) -> T) -> T {
    let role_ids: Vec<u64> = m.roles.iter().map(|r| r.get()).collect();
    let now = accord_core::time::now_ms();
    let timed_out = m.communication_disabled_until_ms.is_some_and(|until| until > now);
    f(&MemberView { user_id: m.user_id.get(), role_ids: &role_ids, timed_out })
}

/// A channel and the caller's standing in it: in a guild channel, their standing in the guild;
/// in a DM or group DM, being one of its recipients (anyone else gets 404).
///
/// A thread takes its permissions from its parent, except that sending in it needs
/// SEND_MESSAGES_IN_THREADS (which `permissions` reports as SEND_MESSAGES); a private thread
/// is seen only by its members and those with MANAGE_THREADS.
#[derive(Debug, Clone)]
pub struct ChannelAccess {
    pub channel: ChannelRecord,
    /// The channel's guild as the caller sees it; none for DMs and group DMs.
    pub guild: Option<GuildAccess>,
    /// The caller's permissions in the channel (VIEW_CHANNEL at least).
    pub permissions: Permissions,
    /// A thread's parent channel.
    pub parent: Option<ChannelRecord>,
    /// DMs and group DMs: who is in it, and a group's owner and icon.
    pub private: Option<PrivateChannelRecord>,
}

impl ChannelAccess {
    /// Loads a channel the caller can see: 404 Unknown Channel otherwise.
    pub async fn require(store: &dyn Store, channel_id: Snowflake, user_id: Snowflake) -> Result<Self, ApiError> {
        let unknown = || ApiError::new(&code::UNKNOWN_CHANNEL);
        // The channel and the caller's standing in its guild in one read: every request in a
        // channel starts here.
        let read = store.channel_standing(channel_id, user_id).await?.ok_or_else(unknown)?;
        let channel = read.channel;
        if channel.guild_id.is_none() {
            let private = store.private_channel(channel_id).await?.filter(|p| p.is_recipient(user_id));
            let private = private.ok_or_else(unknown)?;
            return Ok(Self {
                channel: private.channel.clone(),
                guild: None,
                permissions: PRIVATE_CHANNEL_PERMISSIONS,
                parent: None,
                private: Some(private),
            });
        }
        let standing = read.guild.ok_or_else(unknown)?;
        let guild = GuildAccess::from_parts(standing.guild, standing.roles, standing.member);
        if !channel.is_thread() {
            let permissions = guild.require_in_channel(&channel, Permissions::empty())?;
            return Ok(Self { channel, guild: Some(guild), permissions, parent: None, private: None });
        }
        let parent_id = channel.parent_id.ok_or_else(unknown)?;
        let parent = store.channel(parent_id).await?.ok_or_else(unknown)?;
        let inherited = guild.require_in_channel(&parent, Permissions::empty())?;
        if channel.kind == PRIVATE_THREAD && !inherited.contains(Permissions::MANAGE_THREADS) {
            let member = store.memberships(user_id, &[channel.id]).await?;
            if member.is_empty() {
                return Err(unknown());
            }
        }
        let mut permissions = inherited - Permissions::SEND_MESSAGES;
        if inherited.contains(Permissions::SEND_MESSAGES_IN_THREADS) {
            permissions |= Permissions::SEND_MESSAGES;
        }
        Ok(Self { channel, guild: Some(guild), permissions, parent: Some(parent), private: None })
    }

    /// The guild, for actions that only exist in guilds: 400 (50003) in a DM or group DM.
    pub fn in_guild(&self) -> Result<&GuildAccess, ApiError> {
        self.guild.as_ref().ok_or_else(|| ApiError::new(&code::DM_CHANNEL_ACTION))
    }

    /// The caller's guild membership; none in DMs.
    pub fn member(&self) -> Option<&MemberRecord> {
        self.guild.as_ref().and_then(|g| g.member.as_ref())
    }

    /// Whether the caller may pin and unpin: MANAGE_MESSAGES in a guild, anyone in a DM.
    pub fn may_pin(&self) -> bool {
        self.private.is_some() || self.permissions.contains(Permissions::MANAGE_MESSAGES)
    }

    /// 403 unless the caller has `needed` in the channel.
    pub fn require_permission(&self, needed: Permissions) -> Result<(), ApiError> {
        check(self.permissions, needed)
    }
}
