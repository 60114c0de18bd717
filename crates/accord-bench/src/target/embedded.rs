//! Accord started in this process on 127.0.0.1:0: on the bench's own runtime, or on a runtime
//! of its own whose threads are named [`SERVER_THREADS`], so the server's CPU time can be read
//! apart from the bench clients'.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use accord_server::{Config, Server};
use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The name (and `/proc` comm prefix) of every thread of an embedded server placed on its own
/// threads.
pub const SERVER_THREADS: &str = "accord-server";

/// The `/proc` comm prefix of the threads sqlx runs each SQLite connection on: the server's
/// work too.
pub const SQLITE_THREADS: &str = "sqlx-sqlite";

/// Whether a thread of this process (by its `/proc` comm) works for an embedded server placed
/// on its own threads.
pub fn is_server_thread(name: &str) -> bool {
    name.starts_with(SERVER_THREADS) || name.starts_with(SQLITE_THREADS)
}

/// How long a server on its own threads may take to end its last tasks once it stopped serving.
const RUNTIME_SHUTDOWN: Duration = Duration::from_secs(5);

/// Where an embedded server's tasks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// On the bench's runtime, sharing its worker threads with the clients.
    Shared,
    /// On a runtime of its own (as many workers as the machine has cores, as the `accord`
    /// binary gets), so its CPU time is its threads'.
    OwnThreads,
}

/// Reads a count kept by the running server.
pub type Counter = Arc<dyn Fn() -> u64 + Send + Sync>;

/// A server started and serving.
pub struct Started {
    pub addr: SocketAddr,
    /// Its SFU's forwarded packets and media address, when it runs the voice node.
    pub forwarded: Option<Counter>,
    pub voice_udp: Option<SocketAddr>,
    /// Stops it when sent or dropped.
    pub stop: oneshot::Sender<()>,
    /// What its serving ended with.
    pub done: oneshot::Receiver<anyhow::Result<()>>,
}

/// The default configuration with settings that keep setup cheap — a low Argon2 cost, no limit
/// on registrations, requests or messages — a loopback UDP port for voice, and `addr` as the
/// public URL, so voice joins name the node at the address it listens on.
pub fn config(data_dir: &Path, addr: SocketAddr) -> Config {
    let mut config = Config { data_dir: data_dir.to_path_buf(), ..Config::default() };
    config.auth.argon2_memory_kib = 64;
    config.auth.argon2_iterations = 1;
    config.edge.auth_attempts_per_minute = 1_000_000;
    config.edge.api_requests_per_minute = 100_000_000;
    config.edge.messages_per_10_seconds = 100_000_000;
    config.voice.udp = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    config.public_url = Some(format!("http://{addr}"));
    config
}

/// Starts the server on `placement`, with its data in `data_dir`.
pub async fn start(placement: Placement, data_dir: PathBuf) -> anyhow::Result<Started> {
    let (stop, stopped) = oneshot::channel::<()>();
    let (done_tx, done) = oneshot::channel();
    let until_stopped = async move {
        let _ = stopped.await;
    };
    match placement {
        Placement::Shared => {
            let (server, listener, addr) = build(&data_dir).await?;
            let (forwarded, voice_udp) = voice(&server);
            tokio::spawn(async move {
                let _ = done_tx.send(server.serve(listener, until_stopped).await);
            });
            Ok(Started { addr, forwarded, voice_udp, stop, done })
        }
        Placement::OwnThreads => {
            let (ready_tx, ready) = oneshot::channel();
            std::thread::Builder::new()
                .name(SERVER_THREADS.into())
                .spawn(move || {
                    let served = serve_on_own_runtime(&data_dir, ready_tx, until_stopped);
                    let _ = done_tx.send(served);
                })
                .context("starting the server thread")?;
            let (addr, (forwarded, voice_udp)) = ready.await.context("the server thread ended before serving")??;
            Ok(Started { addr, forwarded, voice_udp, stop, done })
        }
    }
}

type Ready = anyhow::Result<(SocketAddr, (Option<Counter>, Option<SocketAddr>))>;

/// Builds a runtime of [`SERVER_THREADS`], and on it the server, which it serves until
/// `until_stopped`; says on `ready` once it serves (or why it cannot).
fn serve_on_own_runtime(
    data_dir: &Path,
    ready: oneshot::Sender<Ready>,
    until_stopped: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name(SERVER_THREADS)
        .enable_all()
        .build();
    let runtime = match runtime.context("the server's runtime") {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(error));
            return Ok(());
        }
    };
    let served = runtime.block_on(async move {
        let (server, listener, addr) = match build(data_dir).await {
            Ok(built) => built,
            Err(error) => {
                let _ = ready.send(Err(error));
                return Ok(());
            }
        };
        let _ = ready.send(Ok((addr, voice(&server))));
        server.serve(listener, until_stopped).await
    });
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
    served
}

/// Binds 127.0.0.1:0 and builds the server for that address.
async fn build(data_dir: &Path) -> anyhow::Result<(Server, TcpListener, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").await.context("binding 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = Server::build(&config(data_dir, addr)).await?;
    Ok((server, listener, addr))
}

/// The voice node's forwarded packet count and media address, when the server runs one.
fn voice(server: &Server) -> (Option<Counter>, Option<SocketAddr>) {
    let Some(voice) = server.voice() else { return (None, None) };
    let stats = voice.sfu.stats.clone();
    let count: Counter = Arc::new(move || stats.forwarded_packets.load(Ordering::Relaxed));
    (Some(count), Some(voice.sfu.address))
}
