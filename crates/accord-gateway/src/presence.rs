//! Who is online: each user's status and activities, set by their sessions (op 3 or
//! identify) and cleared when their last session ends. Changes go to guild peers as
//! PRESENCE_UPDATE through the bus. `invisible` is kept as set but shown as `offline`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use accord_core::Snowflake;
use accord_service::ServiceContext;
use serde_json::{Value, json};

/// Statuses a client may set.
pub const STATUSES: [&str; 5] = ["online", "idle", "dnd", "invisible", "offline"];

#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    pub status: String,
    pub activities: Vec<Value>,
}

impl Presence {
    /// The status others see.
    pub fn shown_status(&self) -> &str {
        if self.status == "invisible" { "offline" } else { &self.status }
    }

    /// The PRESENCE_UPDATE payload (without `guild_id`, added per guild).
    pub fn payload(&self, user: Snowflake) -> Value {
        let shown = self.shown_status();
        let activities = if shown == "offline" { Vec::new() } else { self.activities.clone() };
        json!({
            "user": { "id": user },
            "status": shown,
            "activities": activities,
            "client_status": if shown == "offline" { json!({}) } else { json!({ "web": shown }) },
        })
    }
}

/// Presences of users with live sessions on this node.
#[derive(Debug, Clone, Default)]
pub struct PresenceBook(Arc<RwLock<HashMap<Snowflake, Presence>>>);

impl PresenceBook {
    pub fn get(&self, user: Snowflake) -> Option<Presence> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).get(&user).cloned()
    }

    /// Up to `limit` users who show as online (any status but offline/invisible).
    pub fn online(&self, limit: usize) -> Vec<(Snowflake, Presence)> {
        let book = self.0.read().unwrap_or_else(|p| p.into_inner());
        book.iter().filter(|(_, p)| p.shown_status() != "offline").take(limit).map(|(u, p)| (*u, p.clone())).collect()
    }

    /// Sets a user's presence and tells their guild peers.
    pub async fn set(&self, ctx: &ServiceContext, user: Snowflake, presence: Presence) {
        let changed = {
            let mut book = self.0.write().unwrap_or_else(|p| p.into_inner());
            book.insert(user, presence.clone()) != Some(presence.clone())
        };
        if changed {
            publish(ctx, user, &presence).await;
        }
    }

    /// The user's last session ended: they are offline.
    pub async fn clear(&self, ctx: &ServiceContext, user: Snowflake) {
        let removed = self.0.write().unwrap_or_else(|p| p.into_inner()).remove(&user);
        if removed.is_some() {
            publish(ctx, user, &Presence { status: "offline".into(), activities: Vec::new() }).await;
        }
    }
}

async fn publish(ctx: &ServiceContext, user: Snowflake, presence: &Presence) {
    let event = ctx.event("PRESENCE_UPDATE", None, None, vec![user], &presence.payload(user));
    if let Err(error) = ctx.bus.publish(Arc::new(event)).await {
        tracing::warn!(%error, "presence update not published");
    }
}
