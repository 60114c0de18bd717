//! What a gateway node knows of a guild it has sessions in: owner, roles, channel overwrites
//! and the roles of its local members — enough to decide who may see each event. It is
//! reloaded piecewise from the store by the structural events themselves (the store is the
//! source of truth and events are published after commit), and each channel's set of local
//! viewers is computed once and memoised until the next change, so a MESSAGE_CREATE costs a
//! set lookup per session rather than a permission computation.

use std::collections::{HashMap, HashSet};

use accord_core::permissions::{self, ChannelClass, GuildView, MemberView, OverwriteView, RoleView};
use accord_core::{Permissions, Snowflake};
use accord_service::access::{overwrite_views, role_views};
use accord_store::{Store, StoreResult};

pub struct GuildCache {
    pub guild_id: Snowflake,
    owner_id: u64,
    roles: Vec<RoleView>,
    channels: HashMap<Snowflake, (Vec<OverwriteView>, ChannelClass)>,
    /// Role ids of the local users who are members.
    members: HashMap<Snowflake, Vec<u64>>,
    /// Local users who can view each channel, computed on demand.
    viewers: HashMap<Snowflake, HashSet<Snowflake>>,
}

impl GuildCache {
    /// Loads a guild with the memberships of `users`; none when the guild is gone.
    pub async fn load(store: &dyn Store, guild_id: Snowflake, users: &[Snowflake]) -> StoreResult<Option<Self>> {
        let Some(guild) = store.guild(guild_id).await? else { return Ok(None) };
        let mut cache = Self {
            guild_id,
            owner_id: guild.owner_id.get(),
            roles: role_views(&store.guild_roles(guild_id).await?),
            channels: HashMap::new(),
            members: HashMap::new(),
            viewers: HashMap::new(),
        };
        cache.reload_channels(store).await?;
        for user in users {
            cache.reload_member(store, *user).await?;
        }
        Ok(Some(cache))
    }

    pub async fn reload_guild(&mut self, store: &dyn Store) -> StoreResult<bool> {
        let Some(guild) = store.guild(self.guild_id).await? else { return Ok(false) };
        self.owner_id = guild.owner_id.get();
        self.viewers.clear();
        Ok(true)
    }

    pub async fn reload_roles(&mut self, store: &dyn Store) -> StoreResult<()> {
        self.roles = role_views(&store.guild_roles(self.guild_id).await?);
        self.viewers.clear();
        Ok(())
    }

    pub async fn reload_channels(&mut self, store: &dyn Store) -> StoreResult<()> {
        let channels = store.guild_channels(self.guild_id).await?;
        self.channels = channels.iter().map(|c| (c.id, overwrite_views(c))).collect();
        self.viewers.clear();
        Ok(())
    }

    /// Re-reads one user's membership (gone if they left).
    pub async fn reload_member(&mut self, store: &dyn Store, user: Snowflake) -> StoreResult<()> {
        match store.member(self.guild_id, user).await? {
            Some(m) => self.members.insert(user, m.roles.iter().map(|r| r.get()).collect()),
            None => self.members.remove(&user),
        };
        self.viewers.clear();
        Ok(())
    }

    pub fn is_member(&self, user: Snowflake) -> bool {
        self.members.contains_key(&user)
    }

    /// Whether `user` (a local member) can view `channel`. Timeouts do not hide channels.
    pub fn can_view(&mut self, user: Snowflake, channel: Snowflake) -> bool {
        if !self.viewers.contains_key(&channel) {
            let viewers = self.compute_viewers(channel);
            self.viewers.insert(channel, viewers);
        }
        self.viewers.get(&channel).is_some_and(|v| v.contains(&user))
    }

    /// Whether `user` (a local member) holds all of `needed` guild-wide.
    pub fn has_permission(&self, user: Snowflake, needed: Permissions) -> bool {
        let Some(roles) = self.members.get(&user) else { return false };
        let guild = GuildView { guild_id: self.guild_id.get(), owner_id: self.owner_id, roles: &self.roles };
        let member = MemberView { user_id: user.get(), role_ids: roles, timed_out: false };
        permissions::guild_permissions(&guild, &member).contains(needed)
    }

    /// Whether `user` (a local member) holds all of `needed` in `channel`, or MANAGE_GUILD.
    pub fn can_manage(&self, user: Snowflake, channel: Snowflake, needed: Permissions) -> bool {
        let (Some((overwrites, class)), Some(roles)) = (self.channels.get(&channel), self.members.get(&user)) else {
            return false;
        };
        let guild = GuildView { guild_id: self.guild_id.get(), owner_id: self.owner_id, roles: &self.roles };
        let member = MemberView { user_id: user.get(), role_ids: roles, timed_out: false };
        permissions::guild_permissions(&guild, &member).contains(Permissions::MANAGE_GUILD)
            || permissions::channel_permissions(&guild, &member, overwrites, *class).contains(needed)
    }

    fn compute_viewers(&self, channel: Snowflake) -> HashSet<Snowflake> {
        let Some((overwrites, class)) = self.channels.get(&channel) else { return HashSet::new() };
        let guild = GuildView { guild_id: self.guild_id.get(), owner_id: self.owner_id, roles: &self.roles };
        self.members
            .iter()
            .filter(|(user, roles)| {
                let member = MemberView { user_id: user.get(), role_ids: roles, timed_out: false };
                permissions::channel_permissions(&guild, &member, overwrites, *class)
                    .contains(Permissions::VIEW_CHANNEL)
            })
            .map(|(user, _)| *user)
            .collect()
    }
}
