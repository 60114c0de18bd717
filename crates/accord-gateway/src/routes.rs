//! `GET /gateway`, `GET /gateway/bot`, and the WebSocket endpoint.

use accord_service::{ApiResult, Caller};
use axum::Router;
use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Gateway;
use crate::connection::{self, ConnectParams};

pub fn api_router() -> Router<Gateway> {
    Router::new().route("/gateway", get(gateway)).route("/gateway/bot", get(gateway_bot))
}

pub fn ws_router() -> Router<Gateway> {
    Router::new()
        .route("/gateway", get(upgrade))
        .route("/gateway/", get(upgrade))
        .route("/gateway/{*rest}", get(upgrade))
        .route("/", get(upgrade))
}

impl Gateway {
    /// The URL clients connect to, without a trailing slash.
    pub(crate) fn url(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.config.public_url {
            return url.trim_end_matches('/').to_owned();
        }
        let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("localhost:8080");
        format!("ws://{host}/gateway")
    }
}

/// `GET /gateway`
async fn gateway(State(gw): State<Gateway>, headers: HeaderMap) -> axum::Json<Value> {
    axum::Json(json!({ "url": gw.url(&headers) }))
}

/// `GET /gateway/bot` — authorized; one shard, a generous session start limit.
async fn gateway_bot(State(gw): State<Gateway>, Caller(_): Caller, headers: HeaderMap) -> ApiResult<axum::Json<Value>> {
    Ok(axum::Json(json!({
        "url": gw.url(&headers),
        "shards": 1,
        "session_start_limit": { "total": 1000, "remaining": 1000, "reset_after": 86_400_000, "max_concurrency": 1 },
    })))
}

#[derive(Debug, Deserialize)]
struct GatewayQuery {
    #[serde(default)]
    v: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    compress: Option<String>,
}

/// The WebSocket endpoint, with buffers sized for many connections.
async fn upgrade(
    State(gw): State<Gateway>,
    Query(query): Query<GatewayQuery>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let Ok(ws) = ws else {
        return accord_service::ApiError::new(&accord_core::code::NOT_FOUND).into_response();
    };
    let params = ConnectParams {
        version: query.v,
        encoding: query.encoding,
        compress: query.compress,
        resume_url: gw.url(&headers),
    };
    // Reads come in chunks of this much, held for the connection's life; a client's payload
    // is at most 4 KiB and mostly a heartbeat of a few dozen bytes, so a larger one takes two.
    ws.read_buffer_size(2 * 1024)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(2 * 1024 * 1024)
        .max_message_size(64 * 1024)
        .max_frame_size(64 * 1024)
        .on_upgrade(move |socket| connection::serve(socket, gw, params))
}
