//! The backends a process runs on, chosen by URL in the config: storage (SQLite or
//! PostgreSQL), the event bus and log (in-process or NATS JetStream), and shared ephemeral
//! state (in-process or Redis), and blob storage (a local directory or an S3 bucket). This is
//! the only place that names concrete backends.

use std::sync::Arc;
use std::time::Duration;

use accord_blobs::{BlobHandle, ObjectBlobs};
use accord_bus::{BusHandle, MemoryBus};
use accord_kv::{KvHandle, MemoryKv};
use accord_store::StoreHandle;
use anyhow::Context;

use crate::Config;

/// Open backends, ready to hand to the services.
#[derive(Clone)]
pub struct Backends {
    pub store: StoreHandle,
    pub bus: BusHandle,
    pub kv: KvHandle,
    pub blobs: BlobHandle,
}

impl Backends {
    /// Opens every backend the config names, asserting the store's durability.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        install_tls_provider();
        let store = open_store(config).await?;
        let durability = store.check_durability().await.context("database durability")?;
        tracing::info!(%durability, "storage ready");
        let (bus, kv, blobs) = (open_bus(config).await?, open_kv(config).await?, open_blobs(config).await?);
        Ok(Self { store, bus, kv, blobs })
    }
}

/// Makes aws-lc-rs the process's TLS crypto provider. The S3 client (object_store) brings
/// rustls with aws-lc-rs and the NATS client brings it with ring; with both compiled in,
/// rustls cannot pick a default and a TLS connection made without one (NATS over TLS) would
/// panic. Call it first thing in `main`; calling it again does nothing.
pub fn install_tls_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

async fn open_store(config: &Config) -> anyhow::Result<StoreHandle> {
    let url = config.database.clone().unwrap_or_default();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = accord_store_postgres::PostgresStore::connect(&url).await.context("connecting to PostgreSQL")?;
        return Ok(Arc::new(store));
    }
    let path = match url.strip_prefix("sqlite://") {
        Some(path) => std::path::PathBuf::from(path),
        None if url.is_empty() => config.data_dir.join("accord.db"),
        None => anyhow::bail!("database must be sqlite://<file> or postgres://..., not {url:?}"),
    };
    let store = accord_store_sqlite::SqliteStore::open(&path).await.context("opening the database")?;
    Ok(Arc::new(store))
}

async fn open_bus(config: &Config) -> anyhow::Result<BusHandle> {
    let resume_window = Duration::from_secs(config.gateway.resume_window_secs);
    match config.bus.as_str() {
        "memory" => Ok(Arc::new(MemoryBus::new(resume_window))),
        url if url.starts_with("nats://") => {
            let mut nats = accord_bus_nats::NatsBusConfig::with_prefix(&config.cluster_name);
            nats.session_ttl = resume_window;
            // A checkpoint trails what the client acknowledged by up to two heartbeats.
            nats.max_age = resume_window + Duration::from_millis(config.gateway.heartbeat_interval_ms * 3);
            let bus = accord_bus_nats::NatsBus::connect(url, nats).await.context("connecting to NATS")?;
            Ok(Arc::new(bus))
        }
        other => anyhow::bail!("bus must be memory or nats://..., not {other:?}"),
    }
}

async fn open_kv(config: &Config) -> anyhow::Result<KvHandle> {
    match config.cache.as_str() {
        "memory" => Ok(Arc::new(MemoryKv::new())),
        url if url.starts_with("redis://") => {
            let prefix = format!("{}:", config.cluster_name);
            let kv = accord_kv_redis::RedisKv::connect(url, &prefix).await.context("connecting to Redis")?;
            Ok(Arc::new(kv))
        }
        other => anyhow::bail!("cache must be memory or redis://..., not {other:?}"),
    }
}

/// A blob store that is down does not stop the process (chat works without attachments): it
/// is opened without contacting it, and reported.
async fn open_blobs(config: &Config) -> anyhow::Result<BlobHandle> {
    let url = match &config.blobs {
        Some(url) => url.clone(),
        None => config.data_dir.join("blobs").to_string_lossy().into_owned(),
    };
    let blobs = ObjectBlobs::open(&url).with_context(|| format!("opening blob storage {url}"))?;
    if let Err(error) = accord_blobs::BlobStore::ping(&blobs).await {
        tracing::warn!(%url, %error, "blob storage unreachable; attachments fail until it answers");
    }
    Ok(Arc::new(blobs))
}
