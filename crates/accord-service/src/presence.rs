//! Presence as everyone sees it: each holder of a user (a gateway node for its sessions, the
//! presence service for what was set over REST) keeps its own [`Presence`] in the shared
//! state, and readers [`combine`] the live ones. The combined status is the strongest of them
//! (invisible over dnd over online over idle), activities are all of theirs, and
//! `client_status` says which platform shows what. PRESENCE_UPDATE goes to each of the
//! user's guilds, where gateways hand it to members who asked for presences.

use std::collections::{BTreeMap, HashMap};

use accord_core::Snowflake;
use accord_core::vec_map::VecMap;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::ServiceContext;

/// Statuses a session may set (`offline` is taken as `invisible`, as on Discord).
pub const STATUSES: [&str; 5] = ["online", "idle", "dnd", "invisible", "offline"];

/// Activities one presence may carry.
pub const MAX_ACTIVITIES: usize = 10;

/// How long a user's last-seen time is kept once they went offline.
pub const LAST_SEEN_TTL: std::time::Duration = std::time::Duration::from_secs(90 * 86_400);

fn last_seen_key(user: Snowflake) -> String {
    format!("last_seen:{user}")
}

/// Notes that `user` has just gone offline (a failure is logged: it only costs a last-seen time).
pub async fn record_last_seen(kv: &accord_kv::KvHandle, user: Snowflake) {
    let now = accord_core::time::now_ms().to_string();
    if let Err(error) = kv.cache_set(&last_seen_key(user), &now, LAST_SEEN_TTL).await {
        tracing::warn!(%error, user_id = %user, "last-seen time not kept");
    }
}

/// When `user` was last online (Unix ms), if known.
pub async fn last_seen(ctx: &ServiceContext, user: Snowflake) -> Option<u64> {
    ctx.kv.cache_get(&last_seen_key(user)).await.ok().flatten().and_then(|v| v.parse().ok())
}

/// What one holder says about a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    pub status: String,
    #[serde(default)]
    pub activities: Vec<Value>,
    /// Platform (`desktop`, `mobile`, `web`) -> status there.
    #[serde(default)]
    pub client_status: VecMap<String, String>,
}

impl Presence {
    /// One platform's presence.
    pub fn on(platform: &str, status: &str, activities: Vec<Value>) -> Self {
        let status = if status == "offline" { "invisible" } else { status }.to_owned();
        Self { client_status: [(platform.to_owned(), status.clone())].into_iter().collect(), status, activities }
    }

    pub fn offline() -> Self {
        Self { status: "offline".into(), activities: Vec::new(), client_status: VecMap::new() }
    }

    /// The status others see.
    pub fn shown_status(&self) -> &str {
        if self.status == "invisible" { "offline" } else { &self.status }
    }

    /// The PRESENCE_UPDATE payload (without `guild_id`, added per guild): nothing of an
    /// invisible or offline user but that.
    pub fn payload(&self, user: Snowflake) -> Value {
        let shown = self.shown_status();
        let hidden = shown == "offline";
        let client_status: BTreeMap<&String, &str> = if hidden {
            BTreeMap::new()
        } else {
            self.client_status.iter().filter(|(_, s)| *s != "invisible").map(|(p, s)| (p, s.as_str())).collect()
        };
        json!({
            "user": { "id": user },
            "status": shown,
            "activities": if hidden { Vec::new() } else { self.activities.clone() },
            "client_status": client_status,
        })
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a presence always serialises")
    }
}

/// How strongly a status holds when presences combine.
fn strength(status: &str) -> u8 {
    match status {
        "invisible" => 4,
        "dnd" => 3,
        "online" => 2,
        "idle" => 1,
        _ => 0,
    }
}

/// The presence several holders' (or sessions') presences make together; offline for none.
pub fn combine<'a>(presences: impl IntoIterator<Item = &'a Presence>) -> Presence {
    let mut combined = Presence::offline();
    for presence in presences {
        if strength(&presence.status) > strength(&combined.status) {
            combined.status = presence.status.clone();
        }
        for activity in &presence.activities {
            if !combined.activities.contains(activity) && combined.activities.len() < MAX_ACTIVITIES {
                combined.activities.push(activity.clone());
            }
        }
        for (platform, status) in presence.client_status.iter() {
            let entry = combined.client_status.get_or_insert_with(platform.clone(), || status.clone());
            if strength(status) > strength(entry) {
                *entry = status.clone();
            }
        }
    }
    combined
}

/// The combined presence of each of `users` who has one (any live holder), invisible users
/// included; none when the shared state is unavailable (logged), so everyone shows offline.
pub async fn read(ctx: &ServiceContext, users: &[Snowflake]) -> HashMap<Snowflake, Presence> {
    if users.is_empty() {
        return HashMap::new();
    }
    let values = match ctx.kv.presence_get_many(users).await {
        Ok(values) => values,
        Err(error) => {
            tracing::warn!(%error, "presences unavailable; showing users offline");
            return HashMap::new();
        }
    };
    users
        .iter()
        .zip(values)
        .filter(|(_, held)| !held.is_empty())
        .map(|(user, held)| (*user, combine(&parse(held))))
        .collect()
}

/// How many of the guild's members show as online (looking through at most 10,000).
pub async fn count_online(ctx: &ServiceContext, guild_id: Snowflake) -> crate::ApiResult<u64> {
    const PAGE: u32 = 1000;
    let (mut online, mut after) = (0, None);
    for _ in 0..10 {
        let members = ctx.store.members(guild_id, after, PAGE).await?;
        let ids: Vec<Snowflake> = members.iter().map(|m| m.user_id).collect();
        online += read(ctx, &ids).await.values().filter(|p| p.shown_status() != "offline").count() as u64;
        after = ids.last().copied();
        if members.len() < PAGE as usize {
            break;
        }
    }
    Ok(online)
}

/// Holders' values as presences (a malformed one is skipped).
pub fn parse(values: Vec<Value>) -> Vec<Presence> {
    values.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect()
}

/// Publishes PRESENCE_UPDATE once per guild of the user, on the guild's topic: gateway
/// nodes follow the guilds of their sessions, so peers on every node hear it.
pub async fn publish(ctx: &ServiceContext, user: Snowflake, presence: &Presence) {
    let payload = presence.payload(user);
    let mut after = None;
    loop {
        let page = match ctx.store.guilds_of_user(user, after, 200).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(%error, "presence update not published: the user's guilds are unreadable");
                return;
            }
        };
        after = page.last().map(|g| g.id);
        for guild in &page {
            let event = ctx.event("PRESENCE_UPDATE", Some(guild.id), None, Vec::new(), &payload);
            if let Err(error) = ctx.bus.publish(std::sync::Arc::new(event)).await {
                tracing::warn!(%error, "presence update not published");
                return;
            }
        }
        if page.len() < 200 {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strongest_status_wins_and_activities_and_platforms_add_up() {
        let game = json!({ "name": "chess", "type": 0 });
        let desktop = Presence::on("desktop", "idle", vec![game.clone()]);
        let phone = Presence::on("mobile", "online", Vec::new());
        let quiet = Presence::on("web", "dnd", vec![game.clone()]);

        let both = combine([&desktop, &phone]);
        let three = combine([&desktop, &phone, &quiet]);

        assert_eq!(both.status, "online");
        assert_eq!(both.activities, std::slice::from_ref(&game));
        assert_eq!(both.client_status.get("desktop").map(String::as_str), Some("idle"));
        assert_eq!(three.status, "dnd");
        assert_eq!(three.activities.len(), 1, "the same activity counts once");
        assert_eq!(combine([]).status, "offline");
        let hidden = combine([&phone, &Presence::on("web", "offline", Vec::new())]);
        assert_eq!(hidden.shown_status(), "offline", "invisible anywhere hides the user");
        assert_eq!(hidden.payload(Snowflake::new(1).unwrap())["client_status"], json!({}));
    }
}
