//! This voice node in the cluster: it records itself (endpoint, load) where joins find it,
//! keeps the voice states and channel placements of its connected participants alive, and
//! announces the states whose holders stopped renewing them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accord_core::Snowflake;
use accord_service::ServiceContext;
use accord_service::voice::grant::VoiceGrant;
use accord_service::voice::placement::{self, VoiceNode};
use accord_service::voice::state::{self, HOLD_TTL, RENEW_EVERY};

use crate::sfu::PeerId;

/// How long the node's record outlives its last refresh.
const RECORD_TTL: Duration = Duration::from_secs(30);

/// A connected participant, as the node renews it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub scope: Snowflake,
    pub user_id: Snowflake,
    pub channel_id: Snowflake,
}

impl Connection {
    pub fn of(grant: &VoiceGrant) -> Self {
        Self { scope: grant.scope, user_id: grant.user_id, channel_id: grant.channel_id }
    }
}

/// The node's identity and its connected participants.
pub struct Node {
    pub id: String,
    pub endpoint: String,
    /// The SFU's public UDP address.
    pub udp: String,
    connections: Mutex<HashMap<PeerId, Connection>>,
    /// Woken when a participant connects, so its voice state is followed at once.
    pub joined: tokio::sync::Notify,
    /// Woken when the node's load changes, so placements see it at once.
    changed: tokio::sync::Notify,
}

impl Node {
    pub fn new(endpoint: String, udp: String) -> Self {
        Self {
            id: format!("{:016x}", rand::random::<u64>()),
            endpoint,
            udp,
            connections: Mutex::default(),
            joined: tokio::sync::Notify::new(),
            changed: tokio::sync::Notify::new(),
        }
    }

    pub fn connected(&self, peer: PeerId, connection: Connection) {
        self.lock().insert(peer, connection);
        self.joined.notify_one();
        self.changed.notify_one();
    }

    pub fn disconnected(&self, peer: PeerId) {
        self.lock().remove(&peer);
        self.changed.notify_one();
    }

    /// Every connected participant.
    pub fn connections(&self) -> Vec<Connection> {
        self.lock().values().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PeerId, Connection>> {
        self.connections.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Renews, records and sweeps every [`RENEW_EVERY`], and records again whenever the
    /// load changes, until the process ends.
    pub async fn run(self: Arc<Self>, ctx: ServiceContext) {
        let mut beat = tokio::time::interval(RENEW_EVERY);
        loop {
            tokio::select! {
                _ = beat.tick() => self.beat(&ctx).await,
                _ = self.changed.notified() => self.record(&ctx, self.connections().len()).await,
            }
        }
    }

    async fn record(&self, ctx: &ServiceContext, load: usize) {
        let record = VoiceNode {
            id: self.id.clone(),
            endpoint: self.endpoint.clone(),
            udp: self.udp.clone(),
            load: load as u64,
        };
        let record = serde_json::to_string(&record).expect("records serialise");
        if let Err(error) = ctx.kv.registry_put(placement::GROUP, &self.id, &record, RECORD_TTL).await {
            tracing::warn!(%error, "voice node not recorded");
        }
    }

    async fn beat(&self, ctx: &ServiceContext) {
        let connections = self.connections();
        self.record(ctx, connections.len()).await;
        let held: Vec<(Snowflake, Snowflake)> = connections.iter().map(|c| (c.scope, c.user_id)).collect();
        if !held.is_empty()
            && let Err(error) = ctx.kv.voice_renew(&held, HOLD_TTL).await
        {
            tracing::warn!(%error, "voice states not renewed");
        }
        let mut channels: Vec<Snowflake> = connections.iter().map(|c| c.channel_id).collect();
        channels.sort_unstable();
        channels.dedup();
        for channel in channels {
            placement::renew(&ctx.kv, channel, &self.id).await;
        }
        if let Err(error) = state::announce_lapsed(ctx).await {
            tracing::warn!(?error, "lapsed voice states not announced");
        }
    }

    /// Records the node at once, so joins can be placed on it before the first beat.
    pub async fn announce(&self, ctx: &ServiceContext) {
        self.beat(ctx).await;
    }
}
