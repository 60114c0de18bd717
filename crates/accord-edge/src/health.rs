//! Liveness and readiness.

use std::fmt::Display;
use std::time::Duration;

use accord_service::ServiceContext;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// How long the bus may take to say where its log ends.
const BUS_TIMEOUT: Duration = Duration::from_millis(800);

/// `GET /health` — the process is serving.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `"ok"`, or `"unreachable"` with a warning saying what the node does without it.
fn report<E: Display>(outcome: Result<(), E>, without: &str) -> &'static str {
    match outcome {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "{without}");
            "unreachable"
        }
    }
}

/// `GET /ready` — 200 only when storage answers. The event bus (`bus`), the shared state
/// (`kv`) and blob storage (`blobs`) are reported but do not decide: without them the node
/// still accepts writes, which the outbox publishes once the bus is back (logins are refused,
/// presence shows offline, attachments fail meanwhile) — better than taking every node out
/// of the load balancer at once. The checks run at once, so a silent dependency delays the
/// answer by its timeout at most.
pub async fn ready(State(ctx): State<ServiceContext>) -> (StatusCode, Json<Value>) {
    let bus = async {
        match tokio::time::timeout(BUS_TIMEOUT, ctx.bus.log_end()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {BUS_TIMEOUT:?}")),
        }
    };
    let (bus, kv, blobs, storage) = tokio::join!(bus, ctx.kv.ping(), ctx.blobs.ping(), ctx.store.ping());
    let bus = report(bus, "event bus unreachable; events wait in the outbox until it answers");
    let kv = report(kv, "shared state unreachable; the node runs degraded");
    let blobs = report(blobs, "blob storage unreachable; attachments fail until it answers");
    match storage {
        Ok(()) => {
            let body = json!({ "status": "ready", "storage": "ok", "bus": bus, "kv": kv, "blobs": blobs });
            (StatusCode::OK, Json(body))
        }
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            let body =
                json!({ "status": "unavailable", "storage": "unreachable", "bus": bus, "kv": kv, "blobs": blobs });
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }
    }
}
