//! A gateway client for tests and benchmarks: connects, reads Hello, identifies or resumes,
//! and reads frames (decompressing `zlib-stream` and `zstd-stream`), with timeouts on every
//! wait so a missing event fails a test instead of hanging it.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// What the server sent: a gateway payload, or the close that ended the connection.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    Payload(Value),
    Closed(Option<u16>),
}

/// Why a gateway wait failed.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("websocket: {0}")]
    Socket(#[from] tokio_tungstenite::tungstenite::Error),
    #[error("nothing within {0:?}")]
    Timeout(Duration),
    #[error("closed with {0:?}")]
    Closed(Option<u16>),
    #[error("bad frame: {0}")]
    Bad(String),
}

enum Inflater {
    None,
    Zlib(flate2::Decompress, Vec<u8>),
    Zstd(Box<zstd::stream::raw::Decoder<'static>>),
}

/// A 4 KiB read buffer: tungstenite's default 128 KiB one is zeroed as it is used, which with
/// thousands of clients in one process costs more than reading their frames.
fn small_buffers() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(4096)
}

pub struct GatewayClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    inflater: Inflater,
    /// The heartbeat interval from Hello.
    pub heartbeat_interval: u64,
    /// The `s` of the last dispatch read.
    pub last_seq: Option<u64>,
    /// WebSocket messages read as text frames.
    pub text_frames: u64,
    /// WebSocket messages read as binary (compressed) frames.
    pub binary_frames: u64,
}

impl GatewayClient {
    /// Connects to `url` (e.g. `ws://127.0.0.1:PORT/gateway/?v=10&encoding=json`) and reads Hello.
    pub async fn connect(url: &str) -> Result<Self, GatewayError> {
        let (ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(small_buffers()), true).await?;
        Self::start(ws, url).await
    }

    /// Like [`GatewayClient::connect`] over a socket that makes a client that stops reading
    /// back up the server's writes after a few hundred KiB rather than several MiB (a slow
    /// consumer): a small receive buffer, and a small segment size, which keeps the server's
    /// send buffer from growing to loopback's 64 KiB segments.
    pub async fn connect_slow_reader(url: &str) -> Result<Self, GatewayError> {
        let bad = |e: &dyn std::fmt::Display| GatewayError::Bad(e.to_string());
        let authority = url.split("://").nth(1).and_then(|rest| rest.split('/').next()).unwrap_or_default();
        let addr: std::net::SocketAddr = authority.parse().map_err(|e| bad(&e))?;
        let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, None)
            .map_err(|e| bad(&e))?;
        socket.set_recv_buffer_size(4096).map_err(|e| bad(&e))?;
        socket.set_tcp_mss(536).map_err(|e| bad(&e))?;
        socket.set_nonblocking(true).map_err(|e| bad(&e))?;
        let socket = tokio::net::TcpSocket::from_std_stream(std::net::TcpStream::from(socket));
        let stream = socket.connect(addr).await.map_err(|e| bad(&e))?;
        let (ws, _) =
            tokio_tungstenite::client_async_with_config(url, MaybeTlsStream::Plain(stream), Some(small_buffers()))
                .await?;
        Self::start(ws, url).await
    }

    /// Reads Hello on a fresh connection.
    async fn start(ws: WebSocketStream<MaybeTlsStream<TcpStream>>, url: &str) -> Result<Self, GatewayError> {
        let inflater = if url.contains("compress=zlib-stream") {
            Inflater::Zlib(flate2::Decompress::new(true), Vec::new())
        } else if url.contains("compress=zstd-stream") {
            Inflater::Zstd(Box::new(zstd::stream::raw::Decoder::new().map_err(|e| GatewayError::Bad(e.to_string()))?))
        } else {
            Inflater::None
        };
        let mut client = Self { ws, inflater, heartbeat_interval: 0, last_seq: None, text_frames: 0, binary_frames: 0 };
        let hello = client.next_payload(Duration::from_secs(5)).await?;
        if hello["op"] != 10 {
            return Err(GatewayError::Bad(format!("expected Hello, got {hello}")));
        }
        client.heartbeat_interval = hello["d"]["heartbeat_interval"].as_u64().unwrap_or(0);
        Ok(client)
    }

    /// Sends a raw text frame.
    pub async fn send_text(&mut self, text: String) -> Result<(), GatewayError> {
        self.ws.send(Message::Text(text.into())).await?;
        Ok(())
    }

    pub async fn send(&mut self, op: u64, d: Value) -> Result<(), GatewayError> {
        self.send_text(json!({ "op": op, "d": d }).to_string()).await
    }

    /// Sends Identify with `token` and `intents`.
    pub async fn identify(&mut self, token: &str, intents: u64) -> Result<(), GatewayError> {
        let d = json!({
            "token": token,
            "intents": intents,
            "properties": { "os": "linux", "browser": "accord-client", "device": "accord-client" },
        });
        self.send(2, d).await
    }

    /// Identifies and reads until READY; returns READY's `d`.
    pub async fn identify_ready(&mut self, token: &str, intents: u64) -> Result<Value, GatewayError> {
        self.identify(token, intents).await?;
        self.next_dispatch("READY", Duration::from_secs(5)).await
    }

    pub async fn resume(&mut self, token: &str, session_id: &str, seq: u64) -> Result<(), GatewayError> {
        self.send(6, json!({ "token": token, "session_id": session_id, "seq": seq })).await
    }

    /// Sends a heartbeat carrying the last sequence number read.
    pub async fn heartbeat(&mut self) -> Result<(), GatewayError> {
        let d = self.last_seq.map_or(Value::Null, Value::from);
        self.send(1, d).await
    }

    /// The next frame or close, within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Result<Received, GatewayError> {
        let text = match self.next_text(wait).await? {
            Ok(text) => text,
            Err(code) => return Ok(Received::Closed(code)),
        };
        let value: Value = serde_json::from_str(&text).map_err(|e| GatewayError::Bad(format!("{e}: {text}")))?;
        if let Some(s) = value["s"].as_u64() {
            self.last_seq = Some(s);
        }
        Ok(Received::Payload(value))
    }

    /// The next frame's JSON text (decompressed), or `Err(close code)` when the connection
    /// ended, within `wait`. For readers that parse only what they need; it leaves
    /// [`GatewayClient::last_seq`] to the caller.
    pub async fn next_text(&mut self, wait: Duration) -> Result<Result<String, Option<u16>>, GatewayError> {
        tokio::time::timeout(wait, self.recv_text()).await.map_err(|_| GatewayError::Timeout(wait))?
    }

    /// Like [`GatewayClient::next_text`] without a deadline, for a reader that keeps its own
    /// timer: a deadline per read arms a timer per frame, which a process holding thousands
    /// of sessions pays on every message. Cancel-safe, so it can be raced in a `select!`.
    pub async fn recv_text(&mut self) -> Result<Result<String, Option<u16>>, GatewayError> {
        loop {
            let message = match self.ws.next().await {
                None => return Ok(Err(None)),
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(m)) => m,
            };
            return Ok(Ok(match message {
                Message::Text(t) => {
                    self.text_frames += 1;
                    t.to_string()
                }
                Message::Binary(b) => {
                    self.binary_frames += 1;
                    self.inflate(&b)?
                }
                Message::Close(frame) => return Ok(Err(frame.map(|f| u16::from(f.code)))),
                _ => continue,
            }));
        }
    }

    /// The next payload; a close is an error.
    pub async fn next_payload(&mut self, wait: Duration) -> Result<Value, GatewayError> {
        match self.next(wait).await? {
            Received::Payload(v) => Ok(v),
            Received::Closed(code) => Err(GatewayError::Closed(code)),
        }
    }

    /// Reads until a dispatch named `name` and returns its `d`, skipping others.
    pub async fn next_dispatch(&mut self, name: &str, wait: Duration) -> Result<Value, GatewayError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let frame = self.next_payload(left).await?;
            if frame["op"] == 0 && frame["t"] == name {
                return Ok(frame["d"].clone());
            }
        }
    }

    /// Reads until the server closes; returns the close code.
    pub async fn closed(&mut self, wait: Duration) -> Result<Option<u16>, GatewayError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if let Received::Closed(code) = self.next(left).await? {
                return Ok(code);
            }
        }
    }

    /// Closes with `code` (1000 ends the session; others leave it resumable) and waits, up to
    /// five seconds, for the server to drop the connection, so it has acted on the close.
    pub async fn close(mut self, code: u16) -> Result<(), GatewayError> {
        let frame = CloseFrame { code: CloseCode::from(code), reason: "".into() };
        self.ws.close(Some(frame)).await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while let Ok(Some(Ok(_))) = tokio::time::timeout_at(deadline, self.ws.next()).await {}
        Ok(())
    }

    /// Drops the TCP connection without a close frame, as a network failure would.
    pub fn drop_connection(self) {
        drop(self);
    }

    fn inflate(&mut self, bytes: &[u8]) -> Result<String, GatewayError> {
        let bad = |e: &dyn std::fmt::Display| GatewayError::Bad(e.to_string());
        let out = match &mut self.inflater {
            Inflater::None => bytes.to_vec(),
            Inflater::Zlib(d, buffer) => {
                buffer.extend_from_slice(bytes);
                if !buffer.ends_with(&[0, 0, 0xff, 0xff]) {
                    return Err(GatewayError::Bad("zlib message without sync flush".into()));
                }
                let input = std::mem::take(buffer);
                let mut out = Vec::with_capacity(input.len() * 4 + 64);
                let mut consumed = 0;
                loop {
                    let before = d.total_in();
                    d.decompress_vec(&input[consumed..], &mut out, flate2::FlushDecompress::Sync)
                        .map_err(|e| bad(&e))?;
                    consumed += (d.total_in() - before) as usize;
                    if consumed >= input.len() && out.len() < out.capacity() {
                        break out;
                    }
                    out.reserve(out.capacity().max(64));
                }
            }
            Inflater::Zstd(d) => {
                use zstd::stream::raw::{InBuffer, Operation, OutBuffer};
                let mut out = vec![0u8; bytes.len() * 8 + 1024];
                let mut input = InBuffer::around(bytes);
                let mut written = 0;
                // Done once the input is used up and the output was not filled: a full output
                // means the decoder may hold more (a frame that compressed more than 8:1).
                loop {
                    // A slice, not the Vec: a Vec's length would follow the position.
                    let mut output = OutBuffer::around_pos(&mut out[..], written);
                    d.run(&mut input, &mut output).map_err(|e| bad(&e))?;
                    written = output.pos();
                    if written == out.len() {
                        out.resize(out.len() * 2, 0);
                    } else if input.pos() >= bytes.len() {
                        break;
                    }
                }
                out.truncate(written);
                out
            }
        };
        String::from_utf8(out).map_err(|e| bad(&e))
    }
}
