//! The gateway's WebSocket through the edge: the edge connects to a gateway node first (so a
//! dead node is skipped before the client's upgrade is accepted), then relays messages both
//! ways until either side closes. Compression and sequence numbers are the node's business;
//! the edge passes frames through untouched. A client whose node dies sees its connection
//! close and reconnects through the edge to another node, where it resumes.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{self, WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, State};
use axum::response::Response;
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::{self, protocol::frame::coding::CloseCode};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::{Forwarder, unavailable};
use crate::route::Service;

type Upstream = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// The gateway's WebSocket paths, proxied (for a process that does not run the gateway).
pub fn router(forwarder: Arc<Forwarder>) -> axum::Router {
    axum::Router::new()
        .route("/gateway", get(proxy))
        .route("/gateway/", get(proxy))
        .route("/gateway/{*rest}", get(proxy))
        .route("/", get(proxy))
        .with_state(forwarder)
}

/// How long connecting to a gateway node may take before the next is tried.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// `GET /gateway` (any suffix) with an upgrade: relayed to a gateway node.
pub async fn proxy(
    State(forwarder): State<Arc<Forwarder>>,
    OriginalUri(uri): OriginalUri,
    upgrade: WebSocketUpgrade,
) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    for instance in forwarder.candidates(Service::Gateway) {
        if !forwarder.allow(&instance.address) {
            continue;
        }
        let url = format!("ws://{}{path}", instance.address);
        match tokio::time::timeout(CONNECT_TIMEOUT, connect_async(url)).await {
            Ok(Ok((upstream, _))) => {
                forwarder.record(&instance.address, true);
                return upgrade.on_upgrade(move |client| relay(client, upstream));
            }
            Ok(Err(error)) => tracing::warn!(upstream = %instance.address, %error, "gateway node refused"),
            Err(_) => tracing::warn!(upstream = %instance.address, "gateway node did not answer"),
        }
        forwarder.record(&instance.address, false);
    }
    unavailable(axum::http::StatusCode::SERVICE_UNAVAILABLE)
}

async fn relay(client: WebSocket, upstream: Upstream) {
    let (mut to_client, mut from_client) = client.split();
    let (mut to_node, mut from_node) = upstream.split();
    loop {
        tokio::select! {
            message = from_client.next() => {
                let Some(Ok(message)) = message else { break };
                let Some(message) = to_node_message(message) else { continue };
                let closing = matches!(message, tungstenite::Message::Close(_));
                if to_node.send(message).await.is_err() || closing {
                    break;
                }
            }
            message = from_node.next() => {
                let Some(Ok(message)) = message else {
                    // The node is gone without a close: the client must reconnect and resume.
                    let close = ws::CloseFrame { code: 4000, reason: "gateway node lost".into() };
                    let _ = to_client.send(ws::Message::Close(Some(close))).await;
                    break;
                };
                let Some(message) = to_client_message(message) else { continue };
                let closing = matches!(message, ws::Message::Close(_));
                if to_client.send(message).await.is_err() || closing {
                    break;
                }
            }
        }
    }
}

fn to_node_message(message: ws::Message) -> Option<tungstenite::Message> {
    Some(match message {
        ws::Message::Text(text) => tungstenite::Message::text(text.as_str()),
        ws::Message::Binary(bytes) => tungstenite::Message::binary(bytes),
        ws::Message::Close(frame) => tungstenite::Message::Close(frame.map(|f| tungstenite::protocol::CloseFrame {
            code: CloseCode::from(f.code),
            reason: f.reason.as_str().into(),
        })),
        // Each side answers its own pings.
        ws::Message::Ping(_) | ws::Message::Pong(_) => return None,
    })
}

fn to_client_message(message: tungstenite::Message) -> Option<ws::Message> {
    Some(match message {
        tungstenite::Message::Text(text) => ws::Message::Text(text.as_str().into()),
        tungstenite::Message::Binary(bytes) => ws::Message::Binary(bytes),
        tungstenite::Message::Close(frame) => ws::Message::Close(
            frame.map(|f| ws::CloseFrame { code: u16::from(f.code), reason: f.reason.as_str().into() }),
        ),
        _ => return None,
    })
}
