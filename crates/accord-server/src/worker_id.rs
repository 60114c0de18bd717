//! The snowflake worker id: a fixed number, or `auto` to lease a free one from the cluster's
//! shared state (replicated services cannot be numbered by hand).

use std::fmt;
use std::time::Duration;

use accord_kv::KvHandle;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Ids snowflakes can carry.
pub const WORKER_IDS: u16 = 1024;
/// How long a lease lasts without renewal; the registry heartbeat renews it.
pub const LEASE: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerId {
    Fixed(u16),
    Auto,
}

impl Default for WorkerId {
    fn default() -> Self {
        WorkerId::Fixed(0)
    }
}

impl std::str::FromStr for WorkerId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "auto" {
            return Ok(WorkerId::Auto);
        }
        match s.parse::<u16>() {
            Ok(id) if id < WORKER_IDS => Ok(WorkerId::Fixed(id)),
            _ => Err(format!("worker id must be 0..=1023 or auto, not {s:?}")),
        }
    }
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkerId::Fixed(id) => write!(f, "{id}"),
            WorkerId::Auto => f.write_str("auto"),
        }
    }
}

impl Serialize for WorkerId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WorkerId::Fixed(id) => serializer.serialize_u16(*id),
            WorkerId::Auto => serializer.serialize_str("auto"),
        }
    }
}

impl<'de> Deserialize<'de> for WorkerId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => n.to_string().parse(),
            Raw::Text(text) => text.parse(),
        }
        .map_err(serde::de::Error::custom)
    }
}

fn lease_key(id: u16) -> String {
    format!("worker-id:{id}")
}

/// Takes a free worker id for `holder`, starting the search at a random one so processes
/// starting together rarely race for the same.
pub async fn lease(kv: &KvHandle, holder: &str) -> anyhow::Result<u16> {
    let start = rand::random::<u16>() % WORKER_IDS;
    for offset in 0..WORKER_IDS {
        let id = (start + offset) % WORKER_IDS;
        if kv.cache_set_if_absent(&lease_key(id), holder, LEASE).await? {
            return Ok(id);
        }
    }
    anyhow::bail!("all {WORKER_IDS} worker ids are leased")
}

/// Keeps a lease alive; called with every registry heartbeat.
pub async fn renew(kv: &KvHandle, id: u16, holder: &str) {
    if let Err(error) = kv.cache_set(&lease_key(id), holder, LEASE).await {
        tracing::warn!(%error, worker_id = id, "worker id lease not renewed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_ids_parse_from_numbers_and_auto() {
        assert_eq!("7".parse(), Ok(WorkerId::Fixed(7)));
        assert_eq!("auto".parse(), Ok(WorkerId::Auto));
        assert!("1024".parse::<WorkerId>().is_err());
        assert!("some".parse::<WorkerId>().is_err());
    }

    #[tokio::test]
    async fn leases_are_exclusive_until_they_lapse() {
        let kv: KvHandle = std::sync::Arc::new(accord_kv::MemoryKv::new());
        let mut taken = std::collections::HashSet::new();
        for n in 0..50 {
            assert!(taken.insert(lease(&kv, &format!("holder {n}")).await.unwrap()));
        }
    }
}
