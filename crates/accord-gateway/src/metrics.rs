//! Gateway counters, read by the metrics endpoint of a later issue.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct GatewayMetrics {
    /// `gateway_resume_total{result="success"}`
    pub resume_success: AtomicU64,
    /// `gateway_resume_total{result="failure"}`
    pub resume_failure: AtomicU64,
    /// Open WebSocket connections.
    pub connections: AtomicU64,
    /// Dispatch frames queued to sessions.
    pub dispatched: AtomicU64,
}

impl GatewayMetrics {
    pub(crate) fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Open WebSocket connections now: the node's load in the registry.
    pub fn open_connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    pub fn resumes(&self) -> (u64, u64) {
        (self.resume_success.load(Ordering::Relaxed), self.resume_failure.load(Ordering::Relaxed))
    }
}
