//! The voice service (seeds 000 and 001: voice, stream and media server): voice states,
//! WebRTC signalling at `/voice/ws`, and an SFU on `str0m` that forwards audio, video and
//! screen share between the participants of a channel over one UDP port. The protocol is
//! `docs/voice-protocol.md`.
//!
//! Parts: [`config`]; [`routes`] (REST join, leave, ICE servers); [`signal`] (the signalling
//! connection); [`sfu`] (the media plane); [`watch`] (voice state changes made elsewhere,
//! enforced on connected participants); [`node`] (this node in the cluster); [`ice`] (STUN
//! and TURN credentials); [`recording`].

pub mod config;
pub mod ice;
pub mod node;
pub mod recording;
pub mod routes;
pub mod sfu;
pub mod signal;
pub mod watch;

use std::net::SocketAddr;
use std::sync::Arc;

use accord_core::Snowflake;
use accord_service::ServiceContext;
use axum::Router;
use axum::routing::get;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

pub use config::VoiceConfig;
use node::Node;
use sfu::Sfu;

/// Stopped recordings waiting to be stored.
const RECORDING_QUEUE: usize = 16;

/// A running voice node: its SFU, and what signalling connections share.
#[derive(Clone)]
pub struct Voice {
    pub(crate) ctx: ServiceContext,
    pub(crate) config: Arc<VoiceConfig>,
    pub sfu: Sfu,
    pub(crate) node: Arc<Node>,
}

impl Voice {
    /// Binds the SFU's UDP port (`voice.udp`, else `udp`), records the node (clients reach
    /// its `/voice/ws` at `endpoint`) and starts its background work.
    pub async fn start(
        ctx: ServiceContext,
        config: VoiceConfig,
        udp: SocketAddr,
        endpoint: String,
    ) -> std::io::Result<Self> {
        let (recordings_tx, recordings) = mpsc::channel(RECORDING_QUEUE);
        let socket = bind(config.udp, udp)?;
        let sfu = Sfu::start(socket, config.public_ip, recordings_tx)?;
        let endpoint = config.endpoint.clone().unwrap_or(endpoint);
        let node = Arc::new(Node::new(endpoint, sfu.address.to_string()));
        node.announce(&ctx).await;
        tokio::spawn(node.clone().run(ctx.clone()));
        tokio::spawn(recording::store::run(ctx.clone(), recordings));
        let voice = Self { ctx, config: Arc::new(config), sfu, node };
        tokio::spawn(watch::run(voice.clone()));
        tracing::info!(udp = %voice.sfu.address, endpoint = %voice.node.endpoint, "voice node started");
        Ok(voice)
    }

    /// `/voice/join`, `/voice/leave` and `/voice/ice-servers`, relative to the API root.
    pub fn api_router(&self) -> Router {
        routes::router().with_state(self.clone())
    }

    /// The signalling WebSocket at `/voice/ws`, for the server's top level.
    pub fn ws_router(&self) -> Router {
        Router::new().route("/voice/ws", get(signal::upgrade)).with_state(self.clone())
    }

    /// Participants connected to this node.
    pub fn sessions(&self) -> u64 {
        self.sfu.stats.peers.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn ice_servers(&self, user: Snowflake) -> ice::IceServers {
        ice::ice_servers(&self.config, user, accord_core::time::now_ms() / 1000)
    }
}

/// The SFU's socket: at `configured`, or else at the HTTP port's number over UDP, falling back
/// to a free port when that one is taken (the port is announced to clients either way; only a
/// configured one, which firewalls expect, must be exact).
fn bind(configured: Option<SocketAddr>, listen: SocketAddr) -> std::io::Result<UdpSocket> {
    if let Some(addr) = configured {
        return udp_socket(addr);
    }
    match udp_socket(listen) {
        Ok(socket) => Ok(socket),
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
            tracing::warn!(%listen, "UDP port taken: the SFU takes a free one (set voice.udp to fix it)");
            udp_socket(SocketAddr::new(listen.ip(), 0))
        }
        Err(error) => Err(error),
    }
}

/// Socket buffers of the SFU's socket. The default (about 200 KiB) holds some 40 ms of a
/// hundred participants' packets, so a longer stall of the SFU task on a busy machine made
/// the kernel drop packets (measured with `accord-bench voice`); the kernel caps this at
/// `net.core.rmem_max`.
const SOCKET_BUFFER: usize = 4 * 1024 * 1024;

fn udp_socket(addr: SocketAddr) -> std::io::Result<UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    if let Err(error) = socket.set_recv_buffer_size(SOCKET_BUFFER).and(socket.set_send_buffer_size(SOCKET_BUFFER)) {
        tracing::warn!(%error, "the SFU's socket keeps the default buffers");
    }
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    UdpSocket::from_std(socket.into())
}
