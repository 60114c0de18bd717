//! Building the process from its config, and serving it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use std::collections::BTreeSet;
use std::time::Duration;

use accord_bus::{BusHandle, OutboxSignal};
use accord_core::SnowflakeGenerator;
use accord_core::token::TokenKeys;
use accord_edge::Role;
use accord_edge::forward::{Forwarder, Instance};
use accord_edge::route::Service;
use accord_gateway::Gateway;
use accord_service::{ContextParts, ServiceContext};
use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

use crate::modules::{self, Module};
use crate::registry::{self, LoadFn, Registration, Snapshot};
use crate::worker_id::{self, WorkerId};
use crate::{Backends, Config};

/// How long the edge waits for a service in another process.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(15);

/// A built process: backends open, its services wired, not yet serving.
pub struct Server {
    ctx: ServiceContext,
    backends: Backends,
    services: BTreeSet<Service>,
    /// The gateway, when this process runs it.
    gateway: Option<Gateway>,
    /// The voice node, when this process runs it.
    voice: Option<accord_voice::Voice>,
    /// Whether this process publishes the outbox (it runs a service that writes).
    relay: bool,
    /// Whether it archives idle threads (it runs chat).
    archiver: bool,
    /// Whether this process removes offline temporary members (it runs the guilds service).
    temporary_members: bool,
    instance_id: String,
    /// The worker id leased for this process, renewed with the registry heartbeat.
    worker_lease: Option<u16>,
    /// The cluster's instances as last read, for forwarding.
    snapshot: Snapshot,
    advertise: Option<String>,
    app: Router,
}

impl Server {
    /// Opens the data directory and the backends the config names, and wires its services.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
        let backends = Backends::open(config).await?;
        Self::build_on(config, backends).await
    }

    /// Wires the configured services onto backends already open (tests share them between
    /// servers, as the processes of a cluster share PostgreSQL, NATS and Redis).
    pub async fn build_on(config: &Config, backends: Backends) -> anyhow::Result<Self> {
        let services = config.service_set().map_err(anyhow::Error::msg)?;
        let instance_id = registry::new_instance_id();
        let (worker_id, worker_lease) = match config.worker_id {
            WorkerId::Fixed(id) => (id, None),
            WorkerId::Auto => {
                let id = worker_id::lease(&backends.kv, &instance_id).await.context("leasing a worker id")?;
                (id, Some(id))
            }
        };
        tracing::info!(worker_id, services = ?services, "starting");
        let secret = crate::secret::load(config)?;
        let ctx = ServiceContext::new(ContextParts {
            store: backends.store.clone(),
            ids: Arc::new(SnowflakeGenerator::new(worker_id)),
            tokens: Arc::new(TokenKeys::new(&secret)),
            outbox: OutboxSignal::default(),
            bus: backends.bus.clone(),
            kv: backends.kv.clone(),
            blobs: backends.blobs.clone(),
            public_url: config.public_url().into(),
        });
        let snapshot = Snapshot::default();
        let (mut api, mut top_level) = (Router::new(), Router::new());
        let (mut gateway, mut voice, mut relay) = (None, None, false);
        for module in modules::plan(&services) {
            match module {
                Module::Backends | Module::Registry | Module::Edge => {}
                Module::Relay => relay = true,
                Module::Auth => {
                    let mailer = accord_auth::Mailer::from_config(&config.mail, &config.data_dir)
                        .map_err(anyhow::Error::msg)
                        .context("mail settings")?;
                    api = api.merge(accord_auth::router(ctx.clone(), config.auth.clone(), mailer));
                }
                Module::Users => api = api.merge(accord_users::router(ctx.clone())),
                Module::Guilds => api = api.merge(accord_guilds::router(ctx.clone())),
                Module::Chat => api = api.merge(accord_chat::router(ctx.clone())),
                Module::Media => top_level = top_level.merge(accord_media::router(ctx.blobs.clone())),
                Module::Presence => api = api.merge(accord_presence::router(ctx.clone())),
                Module::Voice => {
                    let endpoint = voice_endpoint(config, &services);
                    let started =
                        accord_voice::Voice::start(ctx.clone(), config.voice.clone(), config.listen, endpoint).await;
                    let started = started.context("starting the voice node (voice.udp)")?;
                    api = api.merge(started.api_router());
                    top_level = top_level.merge(started.ws_router());
                    voice = Some(started);
                }
                Module::Gateway => {
                    let started = Gateway::start(ctx.clone(), config.gateway.clone()).await;
                    let started = started.context("subscribing to the bus")?;
                    api = api.merge(started.api_router());
                    top_level = top_level.merge(started.ws_router());
                    gateway = Some(started);
                }
            }
        }
        let role = if services.contains(&Service::Edge) {
            let everything_here = Service::ALL.iter().all(|s| services.contains(s));
            let forwarder =
                (!everything_here).then(|| Arc::new(Forwarder::new(Arc::new(snapshot.clone()), FORWARD_TIMEOUT)));
            if let (Some(forwarder), None) = (&forwarder, &gateway) {
                top_level = top_level.merge(accord_edge::forward::websocket::router(forwarder.clone()));
            }
            if let (Some(forwarder), false) = (&forwarder, services.contains(&Service::Media)) {
                let limit = config.edge.max_body_bytes;
                top_level = top_level.merge(accord_edge::forward::media_router(forwarder.clone(), limit));
            }
            top_level =
                top_level.merge(accord_web::router()).layer(axum::middleware::from_fn(accord_web::page_at_root));
            Role::Public { forwarder }
        } else {
            Role::Internal
        };
        let app =
            accord_edge::app(ctx.clone(), config.edge.clone(), api, top_level, role).map_err(anyhow::Error::msg)?;
        let advertise = config.advertise.clone();
        let archiver = services.contains(&Service::Chat);
        let temporary_members = services.contains(&Service::Guilds);
        Ok(Self {
            ctx,
            backends,
            services,
            gateway,
            voice,
            relay,
            archiver,
            temporary_members,
            instance_id,
            worker_lease,
            snapshot,
            advertise,
            app,
        })
    }

    /// The backends it runs on (a second node in the same test shares them).
    pub fn backends(&self) -> Backends {
        self.backends.clone()
    }

    /// The bus events are published to (tests subscribe to it).
    pub fn bus(&self) -> BusHandle {
        self.ctx.bus.clone()
    }

    /// The handles its services share (tests drive background work through it).
    pub fn context(&self) -> ServiceContext {
        self.ctx.clone()
    }

    /// The gateway, when this process runs it (tests read its counters).
    pub fn gateway(&self) -> Option<Gateway> {
        self.gateway.clone()
    }

    /// The voice node, when this process runs it (tests and the benchmark read its SFU).
    pub fn voice(&self) -> Option<accord_voice::Voice> {
        self.voice.clone()
    }

    /// Serves until `shutdown` completes, then closes the gateway's connections, drains the
    /// outbox and leaves the registry.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let relay = self.relay.then(|| {
            let mut stop = stop_rx.clone();
            let until_stopped = async move {
                let _ = stop.wait_for(|s| *s).await;
            };
            tokio::spawn(accord_bus::run_relay(
                self.ctx.store.clone(),
                self.ctx.bus.clone(),
                self.ctx.outbox.clone(),
                until_stopped,
            ))
        });
        let archiver = self.archiver.then(|| {
            let mut stop = stop_rx.clone();
            let until_stopped = async move {
                let _ = stop.wait_for(|s| *s).await;
            };
            tokio::spawn(accord_chat::threads::archiver::run(self.ctx.clone(), until_stopped))
        });
        let sweeper = self.temporary_members.then(|| {
            let mut stop = stop_rx.clone();
            let until_stopped = async move {
                let _ = stop.wait_for(|s| *s).await;
            };
            tokio::spawn(accord_guilds::temporary::run(self.ctx.clone(), until_stopped))
        });
        let addr = listener.local_addr()?;
        let instance = Instance {
            id: self.instance_id.clone(),
            address: self.advertise.clone().unwrap_or_else(|| addr.to_string()),
            services: self.services.iter().copied().collect(),
            load: 0,
        };
        let metrics = self.gateway.as_ref().map(|g| g.metrics.clone());
        let load: LoadFn = Arc::new(move || metrics.as_ref().map_or(0, |m| m.open_connections()));
        let registration =
            Registration::join(self.ctx.kv.clone(), instance, load, self.snapshot.clone(), self.worker_lease).await;
        tracing::info!(%addr, "serving");
        let service = self.app.into_make_service_with_connect_info::<SocketAddr>();
        let gateway = self.gateway.clone();
        let shutdown = async move {
            shutdown.await;
            if let Some(gateway) = gateway {
                gateway.shutdown();
            }
        };
        let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        registration.leave().await;
        let _ = stop_tx.send(true);
        if let Some(archiver) = archiver {
            let _ = archiver.await;
        }
        if let Some(sweeper) = sweeper {
            let _ = sweeper.await;
        }
        if let Some(relay) = relay {
            let _ = relay.await;
        }
        served.context("serving HTTP")
    }
}

/// Where clients open a voice node's `/voice/ws` (`host:port`): behind the public URL when
/// the node also serves the public port, else at the address the cluster reaches it at.
fn voice_endpoint(config: &Config, services: &BTreeSet<Service>) -> String {
    let public = config.public_url();
    let behind_public_url = services.contains(&Service::Edge);
    match public.split_once("://").map(|(_, rest)| rest.trim_end_matches('/')) {
        Some(host) if behind_public_url => host.to_owned(),
        _ => config.advertise.clone().unwrap_or_else(|| config.listen.to_string()),
    }
}

/// Builds and serves: the library form of `accord serve`.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    Server::build(&config).await?.serve(listener, shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_bus::MemoryBus;
    use accord_kv::MemoryKv;
    use accord_store_sqlite::SqliteStore;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    async fn ready_status(store: SqliteStore) -> StatusCode {
        let blobs_dir = tempfile::tempdir().unwrap();
        let ctx = ServiceContext::new(ContextParts {
            store: Arc::new(store),
            ids: Arc::new(SnowflakeGenerator::new(0)),
            tokens: Arc::new(TokenKeys::new(&[7; 32])),
            outbox: OutboxSignal::default(),
            bus: Arc::new(MemoryBus::default()),
            kv: Arc::new(MemoryKv::new()),
            blobs: Arc::new(accord_blobs::ObjectBlobs::open(&blobs_dir.path().to_string_lossy()).unwrap()),
            public_url: "http://localhost:8080".into(),
        });
        let role = Role::Public { forwarder: None };
        let app =
            accord_edge::app(ctx, accord_edge::EdgeConfig::default(), Router::new(), Router::new(), role).unwrap();
        let request = Request::get("/ready").body(Body::empty()).expect("request");
        app.oneshot(request).await.expect("answer").status()
    }

    #[tokio::test]
    async fn ready_answers_503_once_storage_is_unusable() {
        let dir = tempfile::tempdir().unwrap();
        let usable = SqliteStore::open(&dir.path().join("a.db")).await.unwrap();
        assert_eq!(ready_status(usable).await, StatusCode::OK);
        let closed = SqliteStore::open(&dir.path().join("b.db")).await.unwrap();
        closed.close().await;
        assert_eq!(ready_status(closed).await, StatusCode::SERVICE_UNAVAILABLE);
    }
}
