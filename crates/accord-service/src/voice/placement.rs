//! Where a channel's media runs: every voice node records itself (its endpoint and how many
//! peers it carries) in the registry group [`GROUP`]; a channel is placed on the least-loaded
//! live node when its first member joins, and stays there while the node renews the
//! placement (everyone in a channel must reach the same SFU).

use std::time::Duration;

use accord_core::Snowflake;
use accord_kv::KvHandle;
use serde::{Deserialize, Serialize};

/// The registry group of voice nodes.
pub const GROUP: &str = "voice-nodes";
/// How long a placement lasts unless its node renews it.
pub const PLACEMENT_TTL: Duration = Duration::from_secs(60);

/// A voice node as recorded in the registry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VoiceNode {
    pub id: String,
    /// `host:port` clients open `/voice/ws` at.
    pub endpoint: String,
    /// The public UDP address its SFU carries media on.
    pub udp: String,
    /// Peers connected to it.
    pub load: u64,
}

fn key(channel: Snowflake) -> String {
    format!("voice-placement:{channel}")
}

/// The live voice nodes.
pub async fn nodes(kv: &KvHandle) -> Vec<VoiceNode> {
    match kv.registry_list(GROUP).await {
        Ok(records) => records.iter().filter_map(|r| serde_json::from_str(r).ok()).collect(),
        Err(error) => {
            tracing::warn!(%error, "voice nodes unreadable");
            Vec::new()
        }
    }
}

/// The node hosting `channel`, placing it on the least-loaded live node when it has none (or
/// its node died). None when no voice node runs.
pub async fn place(kv: &KvHandle, channel: Snowflake) -> Option<VoiceNode> {
    let live = nodes(kv).await;
    let assigned = kv.cache_get(&key(channel)).await.ok().flatten();
    if let Some(node) = assigned.and_then(|id| live.iter().find(|n| n.id == id)) {
        return Some(node.clone());
    }
    let chosen = live.iter().min_by_key(|n| (n.load, n.id.clone()))?;
    match kv.cache_set_if_absent(&key(channel), &chosen.id, PLACEMENT_TTL).await {
        Ok(true) => Some(chosen.clone()),
        // Another join placed it at the same moment: go where it did, unless that node died.
        Ok(false) => {
            let now = kv.cache_get(&key(channel)).await.ok().flatten();
            match now.and_then(|id| live.iter().find(|n| n.id == id)) {
                Some(node) => Some(node.clone()),
                None => {
                    let _ = kv.cache_set(&key(channel), &chosen.id, PLACEMENT_TTL).await;
                    Some(chosen.clone())
                }
            }
        }
        Err(_) => Some(chosen.clone()),
    }
}

/// Whether `channel` is placed on `node`, placing it there when it is placed nowhere (its
/// placement lapsed while its first peer was connecting).
pub async fn claim(kv: &KvHandle, channel: Snowflake, node: &str) -> bool {
    match kv.cache_get(&key(channel)).await {
        Ok(Some(id)) => id == node,
        Ok(None) => {
            kv.cache_set_if_absent(&key(channel), node, PLACEMENT_TTL).await.unwrap_or(true)
                || kv.cache_get(&key(channel)).await.ok().flatten().is_some_and(|id| id == node)
        }
        // The shared state is down: carry the media rather than refuse it.
        Err(_) => true,
    }
}

/// Keeps `channel` on `node` while it has peers there.
pub async fn renew(kv: &KvHandle, channel: Snowflake, node: &str) {
    if let Err(error) = kv.cache_set(&key(channel), node, PLACEMENT_TTL).await {
        tracing::warn!(%error, "voice placement not renewed");
    }
}
