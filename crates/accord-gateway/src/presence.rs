//! Who is online: each user's status and activities, set by their sessions (op 3 or
//! identify) and cleared when their last session on this node ends. Changes go to guild peers
//! as PRESENCE_UPDATE through the bus. `invisible` is kept as set but shown as `offline`.
//!
//! Presences live in the shared state (`ctx.kv`), so every node reads the same ones. This node
//! claims the users it has sessions for and renews its claims while they last: a user stays
//! online while any node holds them, and goes offline within [`CLAIM_TTL`] of their node dying.
//!
//! When the shared state is unavailable presence degrades, and nothing else does: reads show
//! everyone offline (no presences in GUILD_CREATE or member chunks), writes are dropped with a
//! warning while the update still reaches peers through the bus, and the renewal task puts
//! this node's users back once the shared state answers again.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use accord_core::Snowflake;
use accord_kv::KvHandle;
use accord_service::ServiceContext;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Statuses a client may set.
pub const STATUSES: [&str; 5] = ["online", "idle", "dnd", "invisible", "offline"];

/// How long a claim on a user lasts unless renewed: how long a dead node's users stay online.
pub const CLAIM_TTL: Duration = Duration::from_secs(60);
/// How often this node renews its claims (a third of their life, so one failed renewal is harmless).
const RENEW_EVERY: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    pub status: String,
    #[serde(default)]
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

    fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a presence always serialises")
    }
}

/// Users this node has sessions for, with their presences as last set here.
type Local = RwLock<HashMap<Snowflake, Presence>>;

/// This node's view of presence: reads and writes go to the shared state.
#[derive(Clone)]
pub struct PresenceBook {
    kv: KvHandle,
    /// This node's name as a holder of presence claims.
    holder: Arc<str>,
    /// What the renewal task re-claims, and what tells a change when the shared state is down.
    local: Arc<Local>,
}

/// Presences read for a set of users: those who show as online.
#[derive(Debug, Clone, Default)]
pub struct Presences(HashMap<Snowflake, Presence>);

impl Presences {
    pub fn get(&self, user: Snowflake) -> Option<&Presence> {
        self.0.get(&user)
    }
}

impl PresenceBook {
    /// A book for this node on `kv`, and its renewal task (which ends once the book is dropped).
    pub fn start(kv: KvHandle) -> Self {
        let holder: Arc<str> = Arc::from(format!("gateway-{:016x}", rand::random::<u64>()));
        let book = Self { kv, holder, local: Arc::default() };
        tokio::spawn(renew(book.kv.clone(), book.holder.clone(), Arc::downgrade(&book.local)));
        book
    }

    /// The presences of those of `users` who show as online (any status but offline and
    /// invisible); none when the shared state is unavailable.
    pub async fn online(&self, users: &[Snowflake]) -> Presences {
        if users.is_empty() {
            return Presences::default();
        }
        let values = match self.kv.presence_get_many(users).await {
            Ok(values) => values,
            Err(error) => {
                tracing::warn!(%error, "presences unavailable; showing users offline");
                return Presences::default();
            }
        };
        let shown = users.iter().zip(values).filter_map(|(user, value)| {
            let presence: Presence = serde_json::from_value(value?).ok()?;
            (presence.shown_status() != "offline").then_some((*user, presence))
        });
        Presences(shown.collect())
    }

    /// Sets a user's presence, claiming them for this node, and tells their guild peers if it changed.
    pub async fn set(&self, ctx: &ServiceContext, user: Snowflake, presence: Presence) {
        let before = write(&self.local).insert(user, presence.clone());
        let changed = match self.kv.presence_set(user, &self.holder, &presence.to_value(), CLAIM_TTL).await {
            Ok(previous) => previous.and_then(|v| serde_json::from_value::<Presence>(v).ok()) != Some(presence.clone()),
            Err(error) => {
                tracing::warn!(%error, user_id = %user, "presence not stored in the shared state; peers still hear of it");
                before != Some(presence.clone())
            }
        };
        if changed {
            publish(ctx, user, &presence).await;
        }
    }

    /// Claims a user whose session this node took over from another node, keeping their
    /// shared presence (online if it has vanished); peers hear of it only if it changed.
    pub async fn adopt(&self, ctx: &ServiceContext, user: Snowflake) {
        let shared = self.kv.presence_get_many(&[user]).await.ok().and_then(|mut values| values.pop().flatten());
        let presence = shared.and_then(|v| serde_json::from_value(v).ok());
        self.set(ctx, user, presence.unwrap_or(Presence { status: "online".into(), activities: Vec::new() })).await;
    }

    /// The user's last session on this node ended: this node's claim goes, and if no other
    /// node holds the user, they are offline.
    pub async fn clear(&self, ctx: &ServiceContext, user: Snowflake) {
        if write(&self.local).remove(&user).is_none() {
            return;
        }
        let offline = match self.kv.presence_clear(user, &self.holder).await {
            Ok(offline) => offline,
            Err(error) => {
                tracing::warn!(%error, user_id = %user, "presence claim not withdrawn; it expires on its own");
                true
            }
        };
        if offline {
            publish(ctx, user, &Presence { status: "offline".into(), activities: Vec::new() }).await;
        }
    }
}

fn write(local: &Local) -> std::sync::RwLockWriteGuard<'_, HashMap<Snowflake, Presence>> {
    local.write().unwrap_or_else(|p| p.into_inner())
}

/// Renews this node's claims every [`RENEW_EVERY`] until the book is dropped. A user cleared
/// while a renewal was on its way gets their claim withdrawn again right after it.
async fn renew(kv: KvHandle, holder: Arc<str>, local: Weak<Local>) {
    let mut ticks = tokio::time::interval(RENEW_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let Some(book) = local.upgrade() else { return };
        let users: Vec<(Snowflake, Value)> = {
            let held = book.read().unwrap_or_else(|p| p.into_inner());
            held.iter().map(|(user, presence)| (*user, presence.to_value())).collect()
        };
        if users.is_empty() {
            continue;
        }
        if let Err(error) = kv.presence_refresh(&holder, &users, CLAIM_TTL).await {
            tracing::warn!(%error, users = users.len(), "presence claims not renewed; retrying at the next tick");
            continue;
        }
        let gone: Vec<Snowflake> = {
            let held = book.read().unwrap_or_else(|p| p.into_inner());
            users.iter().map(|(user, _)| *user).filter(|user| !held.contains_key(user)).collect()
        };
        for user in gone {
            if let Err(error) = kv.presence_clear(user, &holder).await {
                tracing::warn!(%error, user_id = %user, "presence claim not withdrawn; it expires on its own");
            }
        }
    }
}

/// Publishes the change once per guild of the user, on the guild's topic: gateway nodes
/// follow the guilds of their sessions, so peers on every node hear it.
async fn publish(ctx: &ServiceContext, user: Snowflake, presence: &Presence) {
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
            if let Err(error) = ctx.bus.publish(Arc::new(event)).await {
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
    use std::sync::Arc;

    use accord_core::token::TokenKeys;
    use accord_core::{Snowflake, SnowflakeGenerator};
    use accord_kv::{KvHandle, MemoryKv};
    use accord_kv_redis::RedisKv;
    use accord_service::{OutboxSignal, ServiceContext};

    use super::{Presence, PresenceBook};

    async fn context(kv: KvHandle, dir: &tempfile::TempDir) -> ServiceContext {
        let store = accord_store_sqlite::SqliteStore::open(&dir.path().join("accord.db")).await.unwrap();
        ServiceContext {
            store: Arc::new(store),
            ids: Arc::new(SnowflakeGenerator::new(0)),
            tokens: Arc::new(TokenKeys::new(&[7; 32])),
            outbox: OutboxSignal::default(),
            bus: Arc::new(accord_bus::MemoryBus::default()),
            kv,
            blobs: Arc::new(accord_blobs::ObjectBlobs::open(&dir.path().join("blobs").to_string_lossy()).unwrap()),
            public_url: "http://localhost:8080".into(),
        }
    }

    fn status(s: &str) -> Presence {
        Presence { status: s.into(), activities: Vec::new() }
    }

    #[tokio::test]
    async fn nodes_share_presences_and_a_user_stays_online_while_any_node_holds_them() {
        let dir = tempfile::tempdir().unwrap();
        let kv: KvHandle = Arc::new(MemoryKv::new());
        let ctx = context(kv.clone(), &dir).await;
        let (a, b) = (PresenceBook::start(kv.clone()), PresenceBook::start(kv));
        let (alice, bob, carol) = (Snowflake::new(1).unwrap(), Snowflake::new(2).unwrap(), Snowflake::new(3).unwrap());

        a.set(&ctx, alice, status("idle")).await;
        b.set(&ctx, alice, status("idle")).await;
        a.set(&ctx, bob, status("invisible")).await;
        let seen_on_b = b.online(&[alice, bob, carol]).await;
        a.clear(&ctx, alice).await;
        let after_a_let_go = b.online(&[alice]).await;
        b.clear(&ctx, alice).await;

        assert_eq!(seen_on_b.get(alice), Some(&status("idle")));
        assert_eq!(seen_on_b.get(bob), None, "invisible shows as offline");
        assert_eq!(seen_on_b.get(carol), None);
        assert_eq!(after_a_let_go.get(alice), Some(&status("idle")), "node b still holds alice");
        assert_eq!(a.online(&[alice]).await.get(alice), None, "offline once both let go");
    }

    #[tokio::test]
    async fn a_node_that_adopts_a_session_keeps_the_users_presence_and_holds_them() {
        let dir = tempfile::tempdir().unwrap();
        let kv: KvHandle = Arc::new(MemoryKv::new());
        let ctx = context(kv.clone(), &dir).await;
        let (dead, taker) = (PresenceBook::start(kv.clone()), PresenceBook::start(kv));
        let alice = Snowflake::new(1).unwrap();
        dead.set(&ctx, alice, status("dnd")).await;

        taker.adopt(&ctx, alice).await;
        dead.clear(&ctx, alice).await;

        assert_eq!(taker.online(&[alice]).await.get(alice), Some(&status("dnd")));
    }

    #[tokio::test]
    async fn with_the_shared_state_down_reads_show_offline_and_writes_do_not_fail() {
        let dir = tempfile::tempdir().unwrap();
        let kv: KvHandle = Arc::new(RedisKv::lazy("redis://127.0.0.1:1/", "t:").unwrap());
        let ctx = context(kv.clone(), &dir).await;
        let book = PresenceBook::start(kv);
        let alice = Snowflake::new(1).unwrap();

        book.set(&ctx, alice, status("online")).await;
        let read = book.online(&[alice]).await;
        book.clear(&ctx, alice).await;

        assert_eq!(read.get(alice), None);
    }
}
