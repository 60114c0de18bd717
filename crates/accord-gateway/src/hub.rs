//! The hub: one task per node that owns the registry of sessions and the caches of the
//! guilds they follow, consumes the bus once, and queues each event to exactly the sessions
//! that may see it. Connections talk to it through [`HubHandle`]; everything it does happens
//! in bus order, so registrations and permission changes never race with dispatch.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use accord_bus::{RecvError, Subscription};
use accord_core::{Permissions, Snowflake};
use accord_service::ServiceContext;
use accord_store::EventDraft;
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};

use crate::guild_cache::GuildCache;
use crate::metrics::GatewayMetrics;
use crate::presence::PresenceBook;
use crate::protocol::Close;
use crate::session::Session;
use crate::{intents, views::Views};

/// Requests from connections.
pub enum Command {
    /// Follow these guilds for a new session; answers once it is registered.
    Register { session: Arc<Session>, guilds: Vec<Snowflake>, done: oneshot::Sender<Result<(), String>> },
    /// The session with this id, if the node still holds it.
    Find { session_id: String, reply: oneshot::Sender<Option<Arc<Session>>> },
}

#[derive(Clone)]
pub struct HubHandle(mpsc::UnboundedSender<Command>);

impl HubHandle {
    pub async fn register(&self, session: Arc<Session>, guilds: Vec<Snowflake>) -> Result<(), String> {
        let (done, answer) = oneshot::channel();
        self.0.send(Command::Register { session, guilds, done }).map_err(|_| "gateway hub stopped".to_owned())?;
        answer.await.map_err(|_| "gateway hub stopped".to_owned())?
    }

    pub async fn find(&self, session_id: String) -> Option<Arc<Session>> {
        let (reply, answer) = oneshot::channel();
        self.0.send(Command::Find { session_id, reply }).ok()?;
        answer.await.ok().flatten()
    }
}

struct GuildEntry {
    cache: GuildCache,
    sessions: Vec<Arc<Session>>,
}

pub struct Hub {
    ctx: ServiceContext,
    presence: PresenceBook,
    metrics: Arc<GatewayMetrics>,
    resume_window_secs: u64,
    sessions: HashMap<String, Arc<Session>>,
    by_user: HashMap<Snowflake, Vec<Arc<Session>>>,
    guilds: HashMap<Snowflake, GuildEntry>,
}

/// Payloads that name a guild or user by `id` / `user.id`.
#[derive(Deserialize)]
struct WithId {
    id: Snowflake,
}

#[derive(Deserialize)]
struct WithUser {
    user: WithId,
}

impl Hub {
    /// Subscribes to the bus now (so nothing published after this call is missed) and runs.
    pub fn spawn(
        ctx: ServiceContext,
        presence: PresenceBook,
        metrics: Arc<GatewayMetrics>,
        resume_window_secs: u64,
    ) -> HubHandle {
        let subscription = ctx.bus.subscribe();
        let (tx, rx) = mpsc::unbounded_channel();
        let hub = Self {
            ctx,
            presence,
            metrics,
            resume_window_secs,
            sessions: HashMap::new(),
            by_user: HashMap::new(),
            guilds: HashMap::new(),
        };
        tokio::spawn(hub.run(subscription, rx));
        HubHandle(tx)
    }

    async fn run(mut self, mut events: Box<dyn Subscription>, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut sweep = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                event = events.next() => match event {
                    Ok(event) => self.on_event(&event).await,
                    Err(RecvError::Lagged(missed)) => self.lost_events(missed),
                    Err(RecvError::Closed) => return,
                },
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command).await,
                    None => return,
                },
                _ = sweep.tick() => self.sweep().await,
            }
        }
    }

    /// The hub fell behind the bus: its sessions cannot be made whole, so they end and
    /// their clients identify afresh (never a silent gap).
    fn lost_events(&mut self, missed: u64) {
        tracing::error!(
            missed,
            sessions = self.sessions.len(),
            "gateway hub lagged behind the bus; ending its sessions"
        );
        for session in self.sessions.values() {
            session.end();
            session.close_with(Close::UnknownError);
        }
    }

    async fn on_command(&mut self, command: Command) {
        match command {
            Command::Register { session, guilds, done } => {
                let outcome = self.register(session, guilds).await;
                let _ = done.send(outcome);
            }
            Command::Find { session_id, reply } => {
                let _ = reply.send(self.sessions.get(&session_id).cloned());
            }
        }
    }

    async fn register(&mut self, session: Arc<Session>, guilds: Vec<Snowflake>) -> Result<(), String> {
        let user = session.identity.user_id;
        for guild_id in guilds {
            self.follow(guild_id, &session).await.map_err(|e| e.to_string())?;
        }
        self.sessions.insert(session.identity.session_id.clone(), session.clone());
        self.by_user.entry(user).or_default().push(session);
        Ok(())
    }

    /// Adds a session to a guild's followers, loading the guild or the member as needed.
    async fn follow(&mut self, guild_id: Snowflake, session: &Arc<Session>) -> accord_store::StoreResult<()> {
        let user = session.identity.user_id;
        let store = self.ctx.store.as_ref();
        match self.guilds.get_mut(&guild_id) {
            Some(entry) => {
                entry.cache.reload_member(store, user).await?;
                if !entry.sessions.iter().any(|s| Arc::ptr_eq(s, session)) {
                    entry.sessions.push(session.clone());
                }
            }
            None => {
                if let Some(cache) = GuildCache::load(store, guild_id, &[user]).await? {
                    self.guilds.insert(guild_id, GuildEntry { cache, sessions: vec![session.clone()] });
                }
            }
        }
        Ok(())
    }

    fn unfollow(&mut self, guild_id: Snowflake, user: Snowflake) {
        if let Some(entry) = self.guilds.get_mut(&guild_id) {
            entry.sessions.retain(|s| s.identity.user_id != user);
            if entry.sessions.is_empty() {
                self.guilds.remove(&guild_id);
            }
        }
    }

    /// Drops sessions that ended or whose resume window passed; users left without a
    /// session go offline.
    async fn sweep(&mut self) {
        let window = self.resume_window_secs;
        let expired: Vec<Arc<Session>> = self.sessions.values().filter(|s| s.expired(window)).cloned().collect();
        for session in expired {
            session.end();
            let (id, user) = (session.identity.session_id.clone(), session.identity.user_id);
            self.sessions.remove(&id);
            let remaining = self.by_user.get_mut(&user).map_or(0, |list| {
                list.retain(|s| s.identity.session_id != id);
                list.len()
            });
            if remaining == 0 {
                self.by_user.remove(&user);
                self.presence.clear(&self.ctx, user).await;
            }
            for entry in self.guilds.values_mut() {
                entry.sessions.retain(|s| s.identity.session_id != id);
            }
            self.guilds.retain(|_, entry| !entry.sessions.is_empty());
        }
    }

    /// Brings a guild's cache up to date with a structural event. On failure the guild's
    /// sessions end rather than risk showing anyone what they may no longer see.
    async fn refresh(&mut self, guild_id: Snowflake, event: &EventDraft) {
        let Some(entry) = self.guilds.get_mut(&guild_id) else { return };
        let store = self.ctx.store.as_ref();
        let outcome = match event.name.as_str() {
            "GUILD_UPDATE" => entry.cache.reload_guild(store).await.map(|_| ()),
            "GUILD_ROLE_CREATE" | "GUILD_ROLE_UPDATE" | "GUILD_ROLE_DELETE" => entry.cache.reload_roles(store).await,
            "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "CHANNEL_DELETE" => entry.cache.reload_channels(store).await,
            "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE" | "GUILD_MEMBER_REMOVE" => {
                match serde_json::from_str::<WithUser>(&event.data) {
                    Ok(w) if self.by_user.contains_key(&w.user.id) => entry.cache.reload_member(store, w.user.id).await,
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        };
        if let Err(error) = outcome {
            tracing::error!(%error, guild_id = %guild_id, "guild state reload failed; ending its sessions");
            if let Some(entry) = self.guilds.remove(&guild_id) {
                for session in entry.sessions {
                    session.end();
                    session.close_with(Close::UnknownError);
                }
            }
        }
    }

    async fn on_event(&mut self, event: &EventDraft) {
        if event.name == "PRESENCE_UPDATE" {
            self.presence_update(event);
            return;
        }
        let mut targets: Vec<Arc<Session>> = Vec::new();
        if let Some(guild_id) = event.guild_id {
            targets = self.guild_targets(guild_id, event).await;
        }
        let named_guild = || serde_json::from_str::<WithId>(&event.data).ok().map(|w| w.id);
        for user in &event.user_ids {
            match (event.name.as_str(), named_guild()) {
                ("GUILD_CREATE", Some(guild_id)) => {
                    let sessions = self.by_user.get(user).cloned().unwrap_or_default();
                    for session in sessions.iter().filter(|s| s.identity.shard_has(guild_id)) {
                        if let Err(error) = self.follow(guild_id, session).await {
                            tracing::error!(%error, "loading a joined guild failed; ending the session");
                            session.end();
                            session.close_with(Close::UnknownError);
                        }
                    }
                }
                ("GUILD_DELETE", Some(guild_id)) => self.unfollow(guild_id, *user),
                _ => {}
            }
            targets.extend(self.by_user.get(user).into_iter().flatten().cloned());
        }
        let mut views = Views::new(event);
        let mut seen = std::collections::HashSet::new();
        for session in targets {
            if !seen.insert(Arc::as_ptr(&session)) || !allowed(&session, event) {
                continue;
            }
            session.push(views.head_for(&session.identity));
            GatewayMetrics::count(&self.metrics.dispatched);
        }
    }

    /// The guild's sessions that may see `event` (its channel's viewers, or every member).
    async fn guild_targets(&mut self, guild_id: Snowflake, event: &EventDraft) -> Vec<Arc<Session>> {
        if !self.guilds.contains_key(&guild_id) {
            return Vec::new();
        }
        // A channel update or delete also goes to those who could see the channel before it.
        let mut saw_before = std::collections::HashSet::new();
        if let (Some(channel), "CHANNEL_UPDATE" | "CHANNEL_DELETE") = (event.channel_id, event.name.as_str())
            && let Some(entry) = self.guilds.get_mut(&guild_id)
        {
            for session in &entry.sessions {
                if entry.cache.can_view(session.identity.user_id, channel) {
                    saw_before.insert(session.identity.user_id);
                }
            }
        }
        self.refresh(guild_id, event).await;
        let Some(entry) = self.guilds.get_mut(&guild_id) else { return Vec::new() };
        let mut out = Vec::new();
        for session in &entry.sessions {
            let user = session.identity.user_id;
            let visible = match (event.channel_id, event.name.as_str()) {
                // Invite codes go only to those who manage the channel, as on Discord.
                (Some(channel), "INVITE_CREATE" | "INVITE_DELETE") => {
                    entry.cache.can_manage(user, channel, Permissions::MANAGE_CHANNELS)
                }
                (Some(channel), _) => saw_before.contains(&user) || entry.cache.can_view(user, channel),
                (None, _) => entry.cache.is_member(user),
            };
            if visible {
                out.push(session.clone());
            }
        }
        out
    }

    /// PRESENCE_UPDATE goes, per shared guild, to peers that asked for presences.
    fn presence_update(&mut self, event: &EventDraft) {
        let Some(&user) = event.user_ids.first() else { return };
        let Ok(serde_json::Value::Object(payload)) = serde_json::from_str::<serde_json::Value>(&event.data) else {
            return;
        };
        for (guild_id, entry) in &self.guilds {
            if !entry.cache.is_member(user) {
                continue;
            }
            let mut data = payload.clone();
            data.insert("guild_id".into(), serde_json::Value::String(guild_id.to_string()));
            let head: Arc<str> = Arc::from(crate::protocol::dispatch_head(
                "PRESENCE_UPDATE",
                &serde_json::Value::Object(data).to_string(),
            ));
            for session in &entry.sessions {
                if session.identity.user_id != user && session.identity.wants(intents::GUILD_PRESENCES) {
                    session.push(head.clone());
                }
            }
        }
    }
}

/// Whether a session's intents ask for an event.
fn allowed(session: &Session, event: &EventDraft) -> bool {
    let identity = &session.identity;
    if event.name == "GUILD_MEMBER_UPDATE" && event.user_ids.contains(&identity.user_id) {
        return true;
    }
    let in_guild = event.guild_id.is_some() || matches!(event.name.as_str(), "GUILD_CREATE" | "GUILD_DELETE");
    intents::required(&event.name, in_guild).is_none_or(|intent| identity.wants(intent))
}
