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

/// `GET /ready` — 200 only when storage answers. The shared state (`kv`) and blob storage
/// (`blobs`) are reported but do not decide: without them the node still serves chat (logins
/// are refused, presence shows offline, attachments fail), which beats taking every node out
/// of the load balancer at once. The checks run at once, so a silent blob store delays the
/// answer by its ping timeout at most.
pub async fn ready(State(ctx): State<ServiceContext>) -> (StatusCode, Json<Value>) {
    let (kv, blobs, storage) = tokio::join!(ctx.kv.ping(), ctx.blobs.ping(), ctx.store.ping());
    let kv = match kv {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "shared state unreachable; the node runs degraded");
            "unreachable"
        }
    };
    let blobs = match blobs {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "blob storage unreachable; attachments fail until it answers");
            "unreachable"
        }
    };
    match storage {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready", "storage": "ok", "kv": kv, "blobs": blobs }))),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            let body = json!({ "status": "unavailable", "storage": "unreachable", "kv": kv, "blobs": blobs });
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }
    }
}
