//! What a `limits ws` run measured, as text and JSON.

use std::time::Duration;

use serde_json::{Value, json};

use super::client::CLIENT_READ_BUFFER;
use super::server::{THREADS, WORKERS};
use crate::args::WsLimitsArgs;
use crate::cpu::cores;
use crate::report::Report;
use crate::stats::{per_second, percentile};

#[derive(Debug, Clone, Default)]
pub struct WsLimitsReport {
    pub connections: u64,
    /// Fan-out messages (the probe apart).
    pub messages: u64,
    /// Messages per second asked for; 0 is back to back.
    pub rate: u32,
    /// Bytes of one frame's JSON payload.
    pub frame_bytes: usize,
    /// Connecting every client, up to the server registering the last.
    pub connect: Duration,
    /// This process's resident memory before the clients connected and after.
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
    /// From the probe's send (alone, nothing else queued) to its last receipt.
    pub probe_reach: Option<Duration>,
    /// From each fan-out message's send to its last receipt, microseconds, sorted.
    pub reach_us: Vec<u64>,
    pub delivered_frames: u64,
    pub delivered_unique: u64,
    /// From the first fan-out send to the last receipt.
    pub delivery: Duration,
    /// Send-to-receive latency of every fan-out delivery, microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// Clients whose connection ended before every message arrived, and the first reason.
    pub ended_early: u64,
    pub first_error: Option<String>,
    /// CPU time over the fan-out of the server's threads and of this whole process.
    pub server_cpu_ns: Option<u64>,
    pub process_cpu_ns: Option<u64>,
    /// The wall time those were read over.
    pub cpu_wall: Duration,
}

impl WsLimitsReport {
    pub fn new(args: &WsLimitsArgs, frame_bytes: usize) -> Self {
        Self {
            connections: u64::from(args.connections),
            messages: u64::from(args.messages),
            rate: args.rate,
            frame_bytes,
            ..Self::default()
        }
    }

    pub fn expected(&self) -> u64 {
        self.connections * self.messages
    }

    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.delivered_unique)
    }

    pub fn frames_per_sec(&self) -> f64 {
        per_second(self.delivered_frames, self.delivery)
    }

    /// Memory one idle connection adds to this process, server and client ends together, KiB.
    pub fn rss_per_connection_kib(&self) -> Option<f64> {
        let (before, after) = (self.rss_before_kib?, self.rss_after_kib?);
        Some(after.saturating_sub(before) as f64 / self.connections as f64)
    }

    pub fn server_cores(&self) -> Option<f64> {
        self.server_cpu_ns.map(|ns| cores(ns, self.cpu_wall))
    }

    /// The clients' and the bench's own CPU: the process's less the server's threads'.
    pub fn clients_cores(&self) -> Option<f64> {
        let (process, server) = (self.process_cpu_ns?, self.server_cpu_ns?);
        Some(cores(process.saturating_sub(server), self.cpu_wall))
    }

    fn ms(samples: &[u64], p: f64) -> Option<f64> {
        percentile(samples, p).map(|us| (us as f64 / 10.0).round() / 100.0)
    }

    fn rss_scope() -> String {
        format!(
            "this process: server and client ends together (client read buffer {} KiB); kernel socket buffers not included",
            CLIENT_READ_BUFFER / 1024
        )
    }
}

impl Report for WsLimitsReport {
    fn to_json(&self) -> Value {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let round3 = |x: f64| (x * 1000.0).round() / 1000.0;
        json!({
            "scenario": "limits-ws",
            "connections": self.connections,
            "messages": self.messages,
            "rate": self.rate,
            "frame_bytes": self.frame_bytes,
            "server": format!("tokio-tungstenite, {WORKERS} worker threads, read buffer 2 KiB, write buffer 16 KiB, TCP_NODELAY"),
            "connect_s": round(self.connect.as_secs_f64()),
            "probe_reach_ms": self.probe_reach.map(|d| round(d.as_secs_f64() * 1000.0)),
            "expected_deliveries": self.expected(),
            "delivered_frames": self.delivered_frames,
            "lost": self.lost(),
            "duplicates": self.delivered_frames - self.delivered_unique,
            "delivery_s": round(self.delivery.as_secs_f64()),
            "delivered_frames_per_s": round(self.frames_per_sec()),
            "latency_ms": {
                "p50": Self::ms(&self.latencies_us, 50.0),
                "p99": Self::ms(&self.latencies_us, 99.0),
                "max": Self::ms(&self.latencies_us, 100.0),
                "samples": self.latencies_us.len(),
            },
            "reach_all_ms": { "p50": Self::ms(&self.reach_us, 50.0), "max": Self::ms(&self.reach_us, 100.0) },
            "ended_early": self.ended_early,
            "first_error": self.first_error,
            "cpu": {
                "server_cores": self.server_cores().map(round3),
                "clients_cores": self.clients_cores().map(round3),
                "wall_s": round(self.cpu_wall.as_secs_f64()),
                "server_scope": format!("the server's threads, named {THREADS}"),
            },
            "rss_kib": {
                "before": self.rss_before_kib,
                "after": self.rss_after_kib,
                "per_connection": self.rss_per_connection_kib().map(round),
                "scope": Self::rss_scope(),
            },
        })
    }

    fn to_text(&self) -> String {
        let ms = |samples: &[u64], p: f64| Self::ms(samples, p).map_or_else(|| "-".into(), |v| format!("{v} ms"));
        let probe = self.probe_reach.map_or_else(|| "-".into(), |d| format!("{:.2} ms", d.as_secs_f64() * 1000.0));
        let rss = match (self.rss_before_kib, self.rss_after_kib, self.rss_per_connection_kib()) {
            (Some(before), Some(after), Some(per)) => {
                format!("{before} KiB -> {after} KiB = {per:.1} KiB per idle connection ({})", Self::rss_scope())
            }
            _ => "not measured".into(),
        };
        let cpu = |c: Option<f64>| c.map_or_else(|| "-".into(), |c| format!("{c:.2} cores"));
        let rate = if self.rate == 0 { "back to back".into() } else { format!("{} messages/s", self.rate) };
        let early = self.first_error.as_ref().map_or_else(String::new, |e| {
            format!("\n  ended:      {} clients ended early (first: {e})", self.ended_early)
        });
        format!(
            "limits ws: bare tokio-tungstenite server ({WORKERS} threads), {} connections x {} messages of {} bytes, {rate}\n  \
             connect:    {:.2} s\n  \
             memory:     {rss}\n  \
             probe:      one message alone reached all {} connections in {probe}\n  \
             delivered:  {} of {} frames ({} lost) in {:.3} s = {:.0} frames/s\n  \
             latency:    send -> receive p50 {}, p99 {}, max {}; each message reached all connections p50 {}, max {}\n  \
             CPU:        server {} (its threads), clients and bench {} over {:.2} s{early}",
            self.connections,
            self.messages,
            self.frame_bytes,
            self.connect.as_secs_f64(),
            self.connections,
            self.delivered_frames,
            self.expected(),
            self.lost(),
            self.delivery.as_secs_f64(),
            self.frames_per_sec(),
            ms(&self.latencies_us, 50.0),
            ms(&self.latencies_us, 99.0),
            ms(&self.latencies_us, 100.0),
            ms(&self.reach_us, 50.0),
            ms(&self.reach_us, 100.0),
            cpu(self.server_cores()),
            cpu(self.clients_cores()),
            self.cpu_wall.as_secs_f64(),
        )
    }
}
