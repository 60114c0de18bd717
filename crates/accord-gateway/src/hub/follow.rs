//! Registering and removing sessions, and following the guilds and users they need: the
//! guild caches, and the bus topics the node subscribes to.

use std::sync::Arc;

use accord_bus::{Position, Topic};
use accord_core::Snowflake;

use super::{GuildEntry, Hub};
use crate::guild_cache::GuildCache;
use crate::session::Session;

impl Hub {
    /// Registers a session following `guilds`. Topics new to the node deliver events after
    /// what the node has read, like the others, so a session's stream has no gaps; the
    /// session's own start position decides what it gets.
    pub(super) async fn register(&mut self, session: Arc<Session>, guilds: Vec<Snowflake>) -> Result<(), String> {
        let from = Some(self.events.position());
        let user = session.identity.user_id;
        let id = session.identity.session_id.clone();
        self.checkpoints.set_guilds(&id, []);
        for guild_id in guilds {
            if let Err(error) = self.follow(guild_id, &session, from).await {
                self.checkpoints.forget(&id, false);
                return Err(error);
            }
        }
        if !self.by_user.contains_key(&user)
            && let Err(error) = self.events.follow(&[Topic::User(user)], from).await
        {
            self.checkpoints.forget(&id, false);
            return Err(error.to_string());
        }
        self.sessions.insert(id, session.clone());
        self.by_user.entry(user).or_default().push(session);
        Ok(())
    }

    /// Adds a session to a guild's followers, loading the guild (and following its topic) or
    /// the member as needed.
    pub(super) async fn follow(
        &mut self,
        guild_id: Snowflake,
        session: &Arc<Session>,
        from: Option<Position>,
    ) -> Result<(), String> {
        let user = session.identity.user_id;
        let store = self.ctx.store.as_ref();
        match self.guilds.get_mut(&guild_id) {
            Some(entry) => {
                entry.cache.reload_member(store, user).await.map_err(|e| e.to_string())?;
                if !entry.sessions.iter().any(|s| Arc::ptr_eq(s, session)) {
                    entry.sessions.push(session.clone());
                }
            }
            None => {
                // Follow first: whatever changes after the snapshot below also arrives as an event.
                self.events.follow(&[Topic::Guild(guild_id)], from).await.map_err(|e| e.to_string())?;
                match GuildCache::load(store, guild_id, &[user]).await {
                    Ok(Some(cache)) => {
                        self.guilds.insert(guild_id, GuildEntry { cache, sessions: vec![session.clone()] });
                    }
                    Ok(None) => {
                        self.unfollow_topic(Topic::Guild(guild_id)).await;
                        return Ok(());
                    }
                    Err(error) => {
                        self.unfollow_topic(Topic::Guild(guild_id)).await;
                        return Err(error.to_string());
                    }
                }
            }
        }
        let id = &session.identity.session_id;
        let mut guilds = self.checkpoints.guilds(id);
        guilds.push(guild_id);
        self.checkpoints.set_guilds(id, guilds);
        Ok(())
    }

    /// A user left a guild: their sessions stop following it.
    pub(super) async fn unfollow(&mut self, guild_id: Snowflake, user: Snowflake) {
        let Some(entry) = self.guilds.get_mut(&guild_id) else { return };
        for session in entry.sessions.iter().filter(|s| s.identity.user_id == user) {
            let id = &session.identity.session_id;
            let guilds = self.checkpoints.guilds(id).into_iter().filter(|g| *g != guild_id);
            self.checkpoints.set_guilds(id, guilds.collect::<Vec<_>>());
        }
        entry.sessions.retain(|s| s.identity.user_id != user);
        if entry.sessions.is_empty() {
            self.drop_guild(guild_id).await;
        }
    }

    /// Forgets a guild's cache and stops receiving its events.
    pub(super) async fn drop_guild(&mut self, guild_id: Snowflake) -> Option<Vec<Arc<Session>>> {
        let entry = self.guilds.remove(&guild_id)?;
        self.unfollow_topic(Topic::Guild(guild_id)).await;
        Some(entry.sessions)
    }

    async fn unfollow_topic(&mut self, topic: Topic) {
        if let Err(error) = self.events.unfollow(&[topic]).await {
            tracing::warn!(%error, %topic, "could not unfollow a bus topic");
        }
    }

    /// Removes a session from every registry and from the user's presence.
    pub(super) async fn remove(&mut self, session: &Arc<Session>) {
        let (id, user) = (session.identity.session_id.clone(), session.identity.user_id);
        self.sessions.remove(&id);
        let remaining = self.by_user.get_mut(&user).map_or(0, |list| {
            list.retain(|s| s.identity.session_id != id);
            list.len()
        });
        self.presence.session_ended(user, &id).await;
        let (voice, ctx, session_id) = (self.voice.clone(), self.ctx.clone(), id.clone());
        tokio::spawn(async move { voice.session_ended(&ctx, user, &session_id).await });
        if remaining == 0 {
            self.by_user.remove(&user);
            self.unfollow_topic(Topic::User(user)).await;
        }
        let mut emptied = Vec::new();
        for (guild_id, entry) in &mut self.guilds {
            entry.sessions.retain(|s| s.identity.session_id != id);
            if entry.sessions.is_empty() {
                emptied.push(*guild_id);
            }
        }
        for guild_id in emptied {
            self.drop_guild(guild_id).await;
        }
    }
}
