//! The cluster registry: every process records itself (address, services, load) in the
//! shared state and refreshes the record every couple of seconds; a process that dies drops
//! out when its record expires. Each process keeps a copy of the list in memory, refreshed
//! on the same beat, which the edge reads to pick where to forward.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use accord_edge::forward::{Directory, Instance};
use accord_edge::route::Service;
use accord_kv::KvHandle;
use tokio::sync::watch;

/// How often a process refreshes its record and its copy of the list.
const BEAT: Duration = Duration::from_secs(2);
/// How long a record outlives its last refresh.
const TTL: Duration = Duration::from_secs(8);
/// The registry group of instances.
const GROUP: &str = "instances";

/// Reports this process's load (open sessions, for the gateway) at each beat.
pub type LoadFn = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The latest list of live instances.
#[derive(Clone, Default)]
pub struct Snapshot(Arc<RwLock<Vec<Instance>>>);

impl Directory for Snapshot {
    fn instances(&self, service: Service) -> Vec<Instance> {
        let all = self.0.read().unwrap_or_else(|p| p.into_inner());
        all.iter().filter(|i| i.services.contains(&service)).cloned().collect()
    }
}

impl Snapshot {
    fn replace(&self, instances: Vec<Instance>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = instances;
    }
}

/// This process in the registry.
pub struct Registration {
    kv: KvHandle,
    id: String,
    /// Stops the heartbeat.
    stop: watch::Sender<bool>,
}

impl Registration {
    /// Records `instance` now, then keeps it (and the worker id lease, if any) fresh and
    /// `snapshot` current until [`Registration::leave`].
    pub async fn join(
        kv: KvHandle,
        mut instance: Instance,
        load: LoadFn,
        snapshot: Snapshot,
        worker_lease: Option<u16>,
    ) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let id = instance.id.clone();
        beat(&kv, &mut instance, &load, &snapshot, worker_lease).await;
        let task_kv = kv.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(BEAT) => beat(&task_kv, &mut instance, &load, &snapshot, worker_lease).await,
                    _ = stopped.changed() => return,
                }
            }
        });
        Self { kv, id, stop }
    }

    /// Leaves the registry at once (an orderly shutdown), so the edge stops picking it.
    pub async fn leave(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.kv.registry_remove(GROUP, &self.id).await {
            tracing::warn!(%error, "could not leave the registry; the record will expire");
        }
    }
}

async fn beat(kv: &KvHandle, instance: &mut Instance, load: &LoadFn, snapshot: &Snapshot, lease: Option<u16>) {
    instance.load = load();
    let record = serde_json::to_string(instance).expect("instances serialise");
    if let Err(error) = kv.registry_put(GROUP, &instance.id, &record, TTL).await {
        tracing::warn!(%error, "registry heartbeat failed");
    }
    if let Some(worker_id) = lease {
        crate::worker_id::renew(kv, worker_id, &instance.id).await;
    }
    match kv.registry_list(GROUP).await {
        Ok(records) => snapshot.replace(records.iter().filter_map(|r| serde_json::from_str(r).ok()).collect()),
        // Keep forwarding by the last known list rather than to no one.
        Err(error) => tracing::warn!(%error, "registry unreadable; keeping the last list"),
    }
}

/// A fresh random instance id.
pub fn new_instance_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}
