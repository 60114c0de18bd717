//! Liveness and readiness.

use accord_service::ServiceContext;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// `GET /health` — the process is serving.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /ready` — 200 only when storage answers. The shared state (`kv`) is reported but does
/// not decide: without it the node still serves chat (logins are refused, presence shows
/// offline), which beats taking every node out of the load balancer at once.
pub async fn ready(State(ctx): State<ServiceContext>) -> (StatusCode, Json<Value>) {
    let kv = match ctx.kv.ping().await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "shared state unreachable; the node runs degraded");
            "unreachable"
        }
    };
    match ctx.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready", "storage": "ok", "kv": kv }))),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            let body = json!({ "status": "unavailable", "storage": "unreachable", "kv": kv });
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }
    }
}
