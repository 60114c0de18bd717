//! The bare WebSocket server: tokio-tungstenite on a runtime of [`WORKERS`] threads named
//! [`THREADS`] (so its CPU time is read apart from the clients'), accepting on 127.0.0.1:0
//! with the gateway's buffer sizes. A hub task serialises each message once and queues the
//! same bytes to every connection; each connection's task writes whatever is queued with
//! `feed` and one `flush`, as Accord's gateway connections do. No Accord code runs here.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::{WebSocketStream, accept_async_with_config};

use super::client::Deliveries;
use super::frame::Frames;

/// The name (and `/proc` comm prefix) of the server's threads.
pub const THREADS: &str = "limits-ws";
/// Worker threads of the server's runtime: the machine's two cores.
pub const WORKERS: usize = 2;
/// A handshake or write that takes longer means the client is gone.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Frames fed before a flush at most, so one busy connection does not starve the others.
const MAX_BATCH: usize = 1024;

/// The gateway's WebSocket settings (`accord-gateway` `routes.rs`): a 2 KiB read buffer held
/// for the connection's life, a 16 KiB write buffer.
pub fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(2 * 1024)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(2 * 1024 * 1024)
        .max_message_size(Some(64 * 1024))
        .max_frame_size(Some(64 * 1024))
}

/// What the hub is told.
enum Command {
    /// A connection finished its handshake; frames for it go to this queue.
    Join(mpsc::UnboundedSender<Utf8Bytes>),
    /// Serialise message `index` and queue it to every connection.
    Broadcast(usize),
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    /// Orders to the hub; dropping it (and the accept loop's copy) ends the hub, which drops
    /// every connection's queue, which closes the connections.
    commands: mpsc::UnboundedSender<Command>,
    /// Connections the hub has registered.
    connected: Arc<AtomicUsize>,
    /// Ends the accept loop.
    stop: oneshot::Sender<()>,
    /// Sent when the server's thread has shut its runtime down.
    done: oneshot::Receiver<anyhow::Result<()>>,
}

impl Server {
    /// Starts the server's thread and runtime; it accepts at most `connections` connections.
    pub fn start(frames: Frames, deliveries: Arc<Deliveries>, connections: usize) -> anyhow::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (commands, orders) = mpsc::unbounded_channel();
        let joins = commands.clone();
        let connected = Arc::new(AtomicUsize::new(0));
        let (stop, stopped) = oneshot::channel();
        let count = connected.clone();
        let done = crate::limits::own_runtime::spawn(THREADS, WORKERS, move || async move {
            let listener = TcpListener::from_std(listener)?;
            let hub = tokio::spawn(hub(orders, frames, deliveries, count));
            accept(listener, joins, connections, stopped).await;
            hub.await.context("the hub panicked")
        })?;
        Ok(Self { addr, commands, connected, stop, done })
    }

    /// Has the hub serialise message `index` and queue it to every connection.
    pub fn broadcast(&self, index: usize) -> anyhow::Result<()> {
        self.commands.send(Command::Broadcast(index)).map_err(|_| anyhow::anyhow!("the hub has stopped"))
    }

    pub fn connected(&self) -> usize {
        self.connected.load(Ordering::Relaxed)
    }

    /// Closes every connection and stops the server's runtime, waiting at most `wait`.
    pub async fn stop(self, wait: Duration) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        drop(self.commands);
        let done = tokio::time::timeout(wait, self.done).await.context("the server did not stop")?;
        done.context("the server thread ended without a result")?
    }
}

/// Accepts up to `max` connections until `stopped`, each served by a task of its own.
async fn accept(
    listener: TcpListener,
    hub: mpsc::UnboundedSender<Command>,
    max: usize,
    mut stopped: oneshot::Receiver<()>,
) {
    for _ in 0..max {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        if let Ok((stream, _)) = accepted {
            tokio::spawn(serve(stream, hub.clone()));
        }
    }
    let _ = stopped.await;
}

/// Keeps every connection's queue; ends when every command sender is gone (the loop runs once
/// per command, and the commands are the joins and the run's broadcasts).
async fn hub(
    mut commands: mpsc::UnboundedReceiver<Command>,
    frames: Frames,
    deliveries: Arc<Deliveries>,
    connected: Arc<AtomicUsize>,
) {
    let mut queues: Vec<mpsc::UnboundedSender<Utf8Bytes>> = Vec::new();
    while let Some(command) = commands.recv().await {
        match command {
            Command::Join(queue) => {
                queues.push(queue);
                connected.fetch_add(1, Ordering::Relaxed);
            }
            Command::Broadcast(index) => {
                deliveries.clock.mark_sent(index);
                let frame = Utf8Bytes::from(frames.message_create(index));
                queues.retain(|queue| queue.send(frame.clone()).is_ok());
            }
        }
    }
}

/// One connection: the handshake, then a loop that writes queued frames in batches and reads
/// only to notice the client leaving; it ends when the hub drops the queue or the client goes.
async fn serve(stream: TcpStream, hub: mpsc::UnboundedSender<Command>) {
    let _ = stream.set_nodelay(true);
    let Ok(Ok(mut ws)) = tokio::time::timeout(IO_TIMEOUT, accept_async_with_config(stream, Some(config()))).await
    else {
        return;
    };
    let (queue, mut queued) = mpsc::unbounded_channel();
    if hub.send(Command::Join(queue)).is_err() {
        return;
    }
    // The hub must end once the run's own senders are gone, so no connection keeps one.
    drop(hub);
    loop {
        let frame = tokio::select! {
            frame = queued.recv() => frame,
            incoming = ws.next() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => continue,
            },
        };
        let Some(frame) = frame else { break };
        if write(&mut ws, frame, &mut queued).await.is_err() {
            return;
        }
    }
    let _ = tokio::time::timeout(IO_TIMEOUT, ws.close(None)).await;
}

/// Feeds `first` and whatever else is queued (up to [`MAX_BATCH`]), then flushes once.
async fn write(
    ws: &mut WebSocketStream<TcpStream>,
    first: Utf8Bytes,
    queued: &mut mpsc::UnboundedReceiver<Utf8Bytes>,
) -> anyhow::Result<()> {
    let batch = async {
        ws.feed(Message::Text(first)).await?;
        for _ in 1..MAX_BATCH {
            let Ok(frame) = queued.try_recv() else { break };
            ws.feed(Message::Text(frame)).await?;
        }
        ws.flush().await
    };
    tokio::time::timeout(IO_TIMEOUT, batch).await.context("write timed out")?.context("write failed")
}
