//! What a slow-consumer run measured, as text and JSON.

use std::time::Duration;

use serde_json::{Value, json};

use crate::args::SlowArgs;
use crate::fanout::SessionOutcome;
use crate::report::{Plot, Report};
use crate::stats::{ms, ms_text, per_second};
use crate::target::Target;

/// What became of one session that stopped reading.
#[derive(Debug, Clone, Default)]
pub struct SlowOutcome {
    /// MESSAGE_CREATEs it found waiting once it read again.
    pub read_before_close: u64,
    /// Set when the server had closed it (with the code, if any).
    pub closed: Option<Option<u16>>,
    /// How reading ended otherwise: a failed connection, or a pause with nothing more.
    pub ended: Option<String>,
    /// MESSAGE_CREATEs a resume from its last sequence replayed, when the resume worked.
    pub replayed: Option<u64>,
    pub resume_error: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SlowReport {
    pub target: String,
    pub readers: u64,
    pub messages: u64,
    pub padding: u64,
    pub posted: u64,
    pub post_failed: u64,
    pub post_elapsed: Duration,
    /// Distinct messages the reading sessions received, of `posted` × readers.
    pub delivered: u64,
    pub readers_closed: u64,
    /// Send-to-receive latency of the reading sessions, µs, sorted.
    pub latencies_us: Vec<u64>,
    pub slow: Vec<SlowOutcome>,
    pub rss_before_kib: Option<u64>,
    /// The server's RSS every 250 ms while the sender posted.
    pub rss_samples_kib: Vec<(f64, u64)>,
    pub rss_after_kib: Option<u64>,
    pub rss_scope: String,
    pub cpu_cores: Option<f64>,
    pub cpu_scope: String,
}

impl SlowReport {
    pub fn new(
        args: &SlowArgs,
        target: &Target,
        (posted, post_failed, post_elapsed): (u64, u64, Duration),
        (rss_before_kib, rss_samples_kib, rss_after_kib): (Option<u64>, Vec<(f64, u64)>, Option<u64>),
        cpu_cores: Option<f64>,
        readers: &[SessionOutcome],
        slow: Vec<SlowOutcome>,
    ) -> Self {
        let mut latencies_us: Vec<u64> = readers.iter().flat_map(|r| r.latencies_us.iter().copied()).collect();
        latencies_us.sort_unstable();
        Self {
            target: target.name.clone(),
            readers: readers.len() as u64,
            messages: u64::from(args.messages),
            padding: u64::from(args.padding),
            posted,
            post_failed,
            post_elapsed,
            delivered: readers.iter().map(|r| r.unique).sum(),
            readers_closed: readers.iter().filter(|r| r.closed.is_some() || r.error.is_some()).count() as u64,
            latencies_us,
            slow,
            rss_before_kib,
            rss_samples_kib,
            rss_after_kib,
            rss_scope: target.rss_scope.describe(),
            cpu_cores,
            cpu_scope: target.cpu_scope.describe(),
        }
    }

    /// Deliveries the reading sessions should have had.
    pub fn expected(&self) -> u64 {
        self.posted * self.readers
    }

    pub fn rss_max_kib(&self) -> Option<u64> {
        self.rss_samples_kib.iter().map(|&(_, kib)| kib).chain(self.rss_after_kib).max()
    }
}

impl Report for SlowReport {
    fn plots(&self) -> Vec<Plot> {
        Plot::rss(&self.rss_samples_kib, &self.rss_scope).into_iter().collect()
    }

    fn to_json(&self) -> Value {
        json!({
            "scenario": "slow",
            "target": self.target,
            "readers": self.readers,
            "messages": self.messages,
            "padding_bytes": self.padding,
            "posted": self.posted,
            "post_failed": self.post_failed,
            "messages_per_s": (per_second(self.posted, self.post_elapsed) * 100.0).round() / 100.0,
            "delivered": self.delivered,
            "expected": self.expected(),
            "lost": self.expected().saturating_sub(self.delivered),
            "readers_closed": self.readers_closed,
            "latency_ms": { "p50": ms(&self.latencies_us, 50.0), "p99": ms(&self.latencies_us, 99.0),
                            "max": ms(&self.latencies_us, 100.0) },
            "slow": self.slow.iter().map(|s| json!({
                "read_before_close": s.read_before_close,
                "closed": s.closed.map(|code| code.map_or(Value::Null, Value::from)),
                "ended": s.ended,
                "replayed": s.replayed,
                "resume_error": s.resume_error,
            })).collect::<Vec<_>>(),
            "rss_kib": { "before": self.rss_before_kib, "max": self.rss_max_kib(), "after": self.rss_after_kib,
                         "samples": self.rss_samples_kib.iter().map(|&(_, kib)| kib).collect::<Vec<_>>(), "scope": self.rss_scope },
            "cpu_cores": self.cpu_cores.map(|c| (c * 1000.0).round() / 1000.0),
            "cpu_scope": self.cpu_scope,
        })
    }

    fn to_text(&self) -> String {
        let kib = |v: Option<u64>| v.map_or_else(|| "-".into(), |v| format!("{v} KiB"));
        let cpu = self.cpu_cores.map_or_else(|| "not measured".into(), |c| format!("{c:.2} cores"));
        let mut text = format!(
            "slow: {} reading sessions and {} that stop reading, one guild; {} messages of {}+ bytes, target {}\n  \
             posted:     {} accepted, {} failed, {:.0} msg/s\n  \
             readers:    {} of {} deliveries, {} sessions ended early; latency p50 {} p99 {} max {}\n  \
             memory:     {} before, {} at most while posting, {} after ({})\n  \
             server CPU: {cpu} while posting ({})",
            self.readers,
            self.slow.len(),
            self.messages,
            self.padding,
            self.target,
            self.posted,
            self.post_failed,
            per_second(self.posted, self.post_elapsed),
            self.delivered,
            self.expected(),
            self.readers_closed,
            ms_text(&self.latencies_us, 50.0),
            ms_text(&self.latencies_us, 99.0),
            ms_text(&self.latencies_us, 100.0),
            kib(self.rss_before_kib),
            kib(self.rss_max_kib()),
            kib(self.rss_after_kib),
            self.rss_scope,
            self.cpu_scope,
        );
        for (i, s) in self.slow.iter().enumerate() {
            let closed = match (s.closed, &s.ended) {
                (Some(Some(code)), _) => format!("closed by the server with {code}"),
                (Some(None), _) => "closed by the server".into(),
                (None, Some(ended)) => format!("stopped: {ended}"),
                (None, None) => "still reading when the bound was reached".into(),
            };
            let resume = match (&s.replayed, &s.resume_error) {
                (Some(n), _) => format!("resumed, {n} messages replayed"),
                (None, Some(e)) => format!("resume failed: {e}"),
                (None, None) => "not resumed".into(),
            };
            text.push_str(&format!("\n  slow {i}:     {} messages read, then {closed}; {resume}", s.read_before_close));
        }
        text
    }
}
