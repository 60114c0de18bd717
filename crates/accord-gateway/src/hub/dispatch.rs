//! Who gets an event: the guild's sessions that may see its channel (from the cached
//! permission view, refreshed by structural events first), the sessions of the users it
//! names, filtered by intents; each gets the event serialised once per view.

use std::collections::HashSet;
use std::sync::Arc;

use accord_api::settings::UserSettings;
use accord_bus::Position;
use accord_core::{Permissions, Snowflake};
use accord_store::EventDraft;
use serde::Deserialize;

use super::Hub;
use crate::metrics::GatewayMetrics;
use crate::protocol::Close;
use crate::session::Session;
use crate::{intents, views::Views};

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
    /// Dispatches an event at `position` in the log to every session that may see it and
    /// started before it, or, replaying for a session being taken over, to `only` that one.
    pub(super) async fn on_event(&mut self, event: &EventDraft, position: Position, only: Option<&Arc<Session>>) {
        let wants = |session: &Arc<Session>| position > session.start() && is_only(session, only);
        if event.name == "PRESENCE_UPDATE" {
            self.presence_update(event, &wants);
            return;
        }
        if event.name == accord_store::security::SESSIONS_REVOKED {
            self.sessions_revoked(event, &wants);
            return;
        }
        if event.name == "USER_SETTINGS_UPDATE"
            && let Ok(settings) = serde_json::from_str::<UserSettings>(&event.data)
        {
            // A newly chosen status or custom status shows on every session of the user here.
            for user in event.user_ids.iter().filter(|u| self.by_user.contains_key(u)) {
                self.presence.settings_changed(*user, &settings).await;
            }
        }
        let mut targets: Vec<Arc<Session>> = Vec::new();
        if let Some(guild_id) = event.guild_id {
            targets = self.guild_targets(guild_id, event).await;
        }
        let named_guild = || serde_json::from_str::<WithId>(&event.data).ok().map(|w| w.id);
        // Sessions that already hold the guild (its creation committed before their READY but
        // was published after) must not get it again.
        let mut already_have: Vec<Arc<Session>> = Vec::new();
        for user in &event.user_ids {
            match (event.name.as_str(), named_guild()) {
                ("GUILD_CREATE", Some(guild_id)) => {
                    if let Some(entry) = self.guilds.get(&guild_id) {
                        already_have.extend(entry.sessions.iter().cloned());
                    }
                    let sessions = self.by_user.get(user).cloned().unwrap_or_default();
                    let joining = sessions.iter().filter(|s| s.identity.shard_has(guild_id) && wants(s));
                    // From what the node has read: the guild's events right after the join count.
                    let from = Some(self.events.position());
                    for session in joining {
                        if let Err(error) = self.follow(guild_id, session, from).await {
                            tracing::error!(%error, "loading a joined guild failed; ending the session");
                            session.end();
                            session.close_with(Close::UnknownError);
                        }
                    }
                }
                ("GUILD_DELETE", Some(guild_id)) => self.unfollow(guild_id, *user).await,
                _ => {}
            }
            targets.extend(self.by_user.get(user).into_iter().flatten().cloned());
        }
        let mut views = Views::new(event);
        let mut seen = HashSet::new();
        for session in targets {
            let holds_it = already_have.iter().any(|s| Arc::ptr_eq(s, &session));
            if !wants(&session) || holds_it || !seen.insert(Arc::as_ptr(&session)) || !allowed(&session, event) {
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
        let mut saw_before = HashSet::new();
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
                // The audit log and bans are for moderators only.
                (None, "GUILD_AUDIT_LOG_ENTRY_CREATE") => entry.cache.has_permission(user, Permissions::VIEW_AUDIT_LOG),
                (None, "GUILD_BAN_ADD" | "GUILD_BAN_REMOVE") => {
                    entry.cache.has_permission(user, Permissions::BAN_MEMBERS)
                }
                (None, _) => entry.cache.is_member(user),
            };
            if visible {
                out.push(session.clone());
            }
        }
        out
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
            for session in self.drop_guild(guild_id).await.unwrap_or_default() {
                session.end();
                session.close_with(Close::UnknownError);
            }
        }
    }

    /// PRESENCE_UPDATE goes, in the guild it names (or every shared guild), to peers that
    /// asked for presences.
    fn presence_update(&mut self, event: &EventDraft, wants: &dyn Fn(&Arc<Session>) -> bool) {
        let Ok(serde_json::Value::Object(payload)) = serde_json::from_str::<serde_json::Value>(&event.data) else {
            return;
        };
        let Some(user) =
            payload.get("user").and_then(|u| u.get("id")).and_then(|id| serde_json::from_value(id.clone()).ok())
        else {
            return;
        };
        for (guild_id, entry) in &self.guilds {
            // Published per guild of the user: the guild named is one of theirs (the cache
            // knows only this node's members, and the user may have no session here).
            let theirs = match event.guild_id {
                Some(g) => g == *guild_id,
                None => entry.cache.is_member(user),
            };
            if !theirs {
                continue;
            }
            let mut data = payload.clone();
            data.insert("guild_id".into(), serde_json::Value::String(guild_id.to_string()));
            let head: Arc<str> = Arc::from(crate::protocol::dispatch_head(
                "PRESENCE_UPDATE",
                &serde_json::Value::Object(data).to_string(),
            ));
            for session in &entry.sessions {
                if session.identity.user_id != user
                    && session.identity.wants(intents::GUILD_PRESENCES)
                    && wants(session)
                {
                    session.push(head.clone());
                }
            }
        }
    }
}

fn is_only(session: &Arc<Session>, only: Option<&Arc<Session>>) -> bool {
    only.is_none_or(|o| Arc::ptr_eq(o, session))
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
