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

/// `GET /ready` — 200 only when storage answers.
pub async fn ready(State(ctx): State<ServiceContext>) -> (StatusCode, Json<Value>) {
    match ctx.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready", "storage": "ok" }))),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "storage": "unreachable" })))
        }
    }
}
