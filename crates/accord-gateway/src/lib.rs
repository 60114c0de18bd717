//! The gateway: Discord v10 WebSocket sessions. A client connects, gets Hello, identifies (or
//! resumes) and then receives, in order and with its own sequence numbers, every event it may
//! see: the node's [`hub`] consumes the bus once, keeps each followed guild's permission state
//! current from the events themselves, serialises each event once per view and pushes it to
//! the sessions that may see it.
//!
//! Parts: [`config`]; [`protocol`] (opcodes, close codes, frames, client payloads);
//! [`intents`]; [`session`] (a session's sequence-numbered replay ring and outbound queue);
//! [`hub`] (registry and fan-out) with [`guild_cache`]; [`checkpoint`] (what another node
//! needs to take a session over); [`connection`] (one WebSocket);
//! [`ready`] (READY and the GUILD_CREATE snapshots) with [`read_state`]; [`presence`]; [`members`] (op 8);
//! [`views`] (serialise once per event and view); [`compress`] (zlib-stream, zstd-stream);
//! [`metrics`]; [`routes`] (`/gateway`, `/gateway/bot`); [`voice`] (opcode 4).

pub mod checkpoint;
pub mod compress;
pub mod config;
pub mod connection;
pub mod guild_cache;
pub mod hub;
pub mod intents;
pub mod members;
pub mod metrics;
pub mod presence;
pub mod protocol;
pub mod read_state;
pub mod ready;
pub mod routes;
pub mod session;
pub mod views;
pub mod voice;

use std::sync::Arc;
use std::time::Duration;

use accord_service::ServiceContext;
use axum::Router;
use tokio::sync::watch;

pub use config::GatewayConfig;
pub use metrics::GatewayMetrics;

/// A running gateway: its hub task and what connections share.
#[derive(Clone)]
pub struct Gateway {
    pub(crate) ctx: ServiceContext,
    pub(crate) config: Arc<GatewayConfig>,
    pub(crate) hub: hub::HubHandle,
    pub(crate) presence: presence::PresenceBook,
    pub(crate) voice: voice::VoiceHolds,
    pub metrics: Arc<GatewayMetrics>,
    /// This process's boot id, the prefix of every session id it makes.
    pub(crate) boot: Arc<str>,
    /// Flips to true at shutdown: every connection closes so the server can stop.
    pub(crate) closing: watch::Receiver<bool>,
    closer: Arc<watch::Sender<bool>>,
}

impl Gateway {
    /// Starts the hub, which subscribes to the bus now: events published from here on reach
    /// the sessions that connect.
    pub async fn start(ctx: ServiceContext, config: GatewayConfig) -> Result<Self, accord_bus::BusError> {
        let metrics = Arc::new(GatewayMetrics::default());
        let presence = presence::PresenceBook::start(ctx.clone(), Duration::from_secs(config.idle_after_secs));
        let voice = voice::VoiceHolds::start(ctx.clone());
        let hub =
            hub::Hub::spawn(ctx.clone(), presence.clone(), voice.clone(), metrics.clone(), config.resume_window_secs)
                .await?;
        let (closer, closing) = watch::channel(false);
        let boot: Arc<str> = Arc::from(format!("{:08x}", rand::random::<u32>()));
        Ok(Self {
            ctx,
            config: Arc::new(config),
            hub,
            presence,
            voice,
            metrics,
            boot,
            closing,
            closer: Arc::new(closer),
        })
    }

    /// `GET /gateway` and `GET /gateway/bot`, relative to the API root.
    pub fn api_router(&self) -> Router {
        routes::api_router().with_state(self.clone())
    }

    /// The WebSocket endpoint, at `/gateway` (any suffix) and `/`, for the server's top level.
    pub fn ws_router(&self) -> Router {
        routes::ws_router().with_state(self.clone())
    }

    /// Closes every connection (clients reconnect and resume elsewhere, or re-identify).
    pub fn shutdown(&self) {
        let _ = self.closer.send(true);
    }
}
