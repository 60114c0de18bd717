//! One measured window of a ramp as a report row: its counts, latency, CPU and breaches, the
//! aligned table of all rows, and a row as JSON.

use serde_json::{Value, json};

use super::mix::Kind;
use super::window::{Breach, Latency, Tally};

/// One measured window.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Seconds since the ramp started, at the window's start and end.
    pub start_s: f64,
    pub end_s: f64,
    /// Users added by the window's start and by its end.
    pub users_start: u32,
    pub users_end: u32,
    /// Sessions identified and not ended, at the window's end.
    pub online: u64,
    /// Its operations' counts (their latency samples are in the run's total).
    pub tally: Tally,
    pub latency: Latency,
    /// MESSAGE_CREATEs the sessions received in the window.
    pub deliveries: u64,
    /// The server's CPU over the window, in cores; and the bench clients', when told apart.
    pub server_cores: Option<f64>,
    pub clients_cores: Option<f64>,
    pub rss_kib: Option<u64>,
    /// The thresholds it broke.
    pub breaches: Vec<Breach>,
}

/// Kinds shown in the per-window table, with their column headings.
const COLUMNS: [(Kind, &str); 5] = [
    (Kind::SwitchChannel, "switch"),
    (Kind::ScrollChannel, "scroll"),
    (Kind::CreatePost, "post"),
    (Kind::AddReaction, "react"),
    (Kind::Reconnect, "reconn"),
];

/// `value` with `decimals` decimals, or `-`.
pub fn opt(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.decimals$}"))
}

/// `x` to two decimals, for JSON.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `tally`'s counts by kind: `{ name: [succeeded, failed] }`.
pub fn by_kind(tally: &Tally) -> Value {
    Kind::ALL.iter().map(|&k| (k.name().to_owned(), json!([tally.ok_of(k), tally.failed_of(k)]))).collect()
}

/// A [`Latency`] as JSON.
pub fn latency_json(l: &Latency) -> Value {
    json!({ "requests": l.requests, "mean_ms": l.mean_ms.map(round2), "p50_ms": l.p50_ms, "p99_ms": l.p99_ms })
}

/// The rows as an aligned table, one line per window under a heading.
pub fn table(rows: &[Row]) -> String {
    let mut text = String::new();
    let headings: Vec<String> = COLUMNS.iter().map(|(_, h)| format!("{h:>7}")).collect();
    text.push_str(&format!(
        "  {:>6} {:>6} {:>6} {:>6}{} {:>6} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8}  breaches\n",
        "end s",
        "users",
        "online",
        "ops/s",
        headings.concat(),
        "errors",
        "mean ms",
        "p50 ms",
        "p99 ms",
        "deliv/s",
        "server",
        "bench",
        "rss MiB",
    ));
    for w in rows {
        let seconds = (w.end_s - w.start_s).max(f64::EPSILON);
        let counts: Vec<String> = COLUMNS.iter().map(|(k, _)| format!("{:>7}", w.tally.ok_of(*k))).collect();
        let breaches: Vec<String> = w.breaches.iter().map(Breach::to_string).collect();
        text.push_str(&format!(
            "  {:>6.0} {:>6} {:>6} {:>6.1}{} {:>6} {:>8} {:>8} {:>8} {:>8.0} {:>7} {:>7} {:>8}  {}\n",
            w.end_s,
            w.users_end,
            w.online,
            w.tally.operations() as f64 / seconds,
            counts.concat(),
            w.tally.errors(),
            opt(w.latency.mean_ms, 2),
            opt(w.latency.p50_ms, 2),
            opt(w.latency.p99_ms, 2),
            w.deliveries as f64 / seconds,
            opt(w.server_cores, 2),
            opt(w.clients_cores, 2),
            opt(w.rss_kib.map(|kib| kib as f64 / 1024.0), 0),
            if breaches.is_empty() { "-".into() } else { breaches.join(", ") },
        ));
    }
    text
}

impl Row {
    pub fn to_json(&self) -> Value {
        json!({
            "start_s": round2(self.start_s), "end_s": round2(self.end_s),
            "users_start": self.users_start, "users": self.users_end, "online": self.online,
            "operations": self.tally.operations(), "errors": self.tally.errors(),
            "by_kind": by_kind(&self.tally), "latency": latency_json(&self.latency),
            "deliveries": self.deliveries,
            "server_cores": self.server_cores.map(round2), "clients_cores": self.clients_cores.map(round2),
            "rss_kib": self.rss_kib,
            "breaches": self.breaches.iter().map(Breach::to_string).collect::<Vec<_>>(),
        })
    }
}
