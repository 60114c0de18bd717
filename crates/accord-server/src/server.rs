//! Building the process from its config, and serving it.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use accord_bus::{BusHandle, OutboxSignal};
use accord_core::SnowflakeGenerator;
use accord_core::token::TokenKeys;
use accord_gateway::Gateway;
use accord_service::ServiceContext;
use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;

use crate::{Backends, Config};

/// A built process: backends open, services wired, not yet serving.
pub struct Server {
    ctx: ServiceContext,
    bus: BusHandle,
    gateway: Gateway,
    app: Router,
}

impl Server {
    /// Opens the data directory and the backends the config names, and wires every service.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
        let backends = Backends::open(config).await?;
        Self::build_on(config, backends).await
    }

    /// Wires every service onto backends already open (tests share them between servers, as
    /// the processes of a cluster share PostgreSQL, NATS and Redis).
    pub async fn build_on(config: &Config, backends: Backends) -> anyhow::Result<Self> {
        let secret = crate::secret::load(config)?;
        let bus = backends.bus.clone();
        let ctx = ServiceContext {
            store: backends.store,
            ids: Arc::new(SnowflakeGenerator::new(config.worker_id)),
            tokens: Arc::new(TokenKeys::new(&secret)),
            outbox: OutboxSignal::default(),
            bus: backends.bus,
            kv: backends.kv,
        };
        let gateway = Gateway::start(ctx.clone(), config.gateway.clone()).await.context("subscribing to the bus")?;
        let api = Router::new()
            .merge(gateway.api_router())
            .merge(accord_auth::router(ctx.clone(), config.auth.clone()))
            .merge(accord_users::router(ctx.clone()))
            .merge(accord_guilds::router(ctx.clone()))
            .merge(accord_chat::router(ctx.clone()));
        let app =
            accord_edge::app(ctx.clone(), config.edge.clone(), api, gateway.ws_router()).map_err(anyhow::Error::msg)?;
        Ok(Self { ctx, bus, gateway, app })
    }

    /// The backends it runs on (a second node in the same test shares them).
    pub fn backends(&self) -> Backends {
        Backends { store: self.ctx.store.clone(), bus: self.ctx.bus.clone(), kv: self.ctx.kv.clone() }
    }

    /// The bus events are published to (tests subscribe to it).
    pub fn bus(&self) -> BusHandle {
        self.bus.clone()
    }

    /// The gateway (tests read its counters).
    pub fn gateway(&self) -> Gateway {
        self.gateway.clone()
    }

    /// Serves until `shutdown` completes, then closes the gateway's connections and drains the outbox.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let relay =
            tokio::spawn(accord_bus::run_relay(self.ctx.store.clone(), self.bus.clone(), self.ctx.outbox.clone(), {
                let mut stop = stop_rx.clone();
                async move {
                    let _ = stop.wait_for(|s| *s).await;
                }
            }));
        let addr = listener.local_addr()?;
        tracing::info!(%addr, "serving");
        let service = self.app.into_make_service_with_connect_info::<SocketAddr>();
        let gateway = self.gateway.clone();
        let shutdown = async move {
            shutdown.await;
            gateway.shutdown();
        };
        let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
        let _ = stop_tx.send(true);
        let _ = relay.await;
        served.context("serving HTTP")
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
        let ctx = ServiceContext {
            store: Arc::new(store),
            ids: Arc::new(SnowflakeGenerator::new(0)),
            tokens: Arc::new(TokenKeys::new(&[7; 32])),
            outbox: OutboxSignal::default(),
            bus: Arc::new(MemoryBus::default()),
            kv: Arc::new(MemoryKv::new()),
        };
        let app = accord_edge::app(ctx, accord_edge::EdgeConfig::default(), Router::new(), Router::new()).unwrap();
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
