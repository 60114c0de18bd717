//! What a burst run measured, as text and JSON.

use std::time::Duration;

use serde_json::{Value, json};

use crate::args::BurstArgs;
use crate::idle::{Held, Opened};
use crate::report::Report;
use crate::stats::{ms, ms_text};
use crate::target::Target;

/// One message the lead posted.
#[derive(Debug, Clone, Copy)]
pub struct Sent {
    /// When the POST started, in nanoseconds of the system clock.
    pub at_ns: u64,
    pub post: Duration,
}

/// How one message reached the sessions.
#[derive(Debug, Clone, Default)]
pub struct Burst {
    pub post: Duration,
    /// Sessions that received it.
    pub reached: u64,
    /// POST start to each arrival, µs, sorted.
    pub arrival_us: Vec<u64>,
}

#[derive(Debug, Clone, Default)]
pub struct BurstReport {
    pub target: String,
    pub sessions: u64,
    pub workers: u64,
    pub setup: Duration,
    pub ramp: Duration,
    pub opened: u64,
    pub failed: u64,
    pub first_error: Option<String>,
    pub unexpected_closes: u64,
    pub bursts: Vec<Burst>,
    pub cpu_cores: Option<f64>,
    pub cpu_scope: String,
}

impl BurstReport {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        args: &BurstArgs,
        setup: Duration,
        ramp: Duration,
        opened: &[Opened],
        held: &[Held],
        sent: Vec<Sent>,
        cpu_cores: Option<f64>,
        target: &Target,
    ) -> Self {
        let mut bursts: Vec<Burst> = sent.iter().map(|s| Burst { post: s.post, ..Burst::default() }).collect();
        for &(k, at_ns) in held.iter().flat_map(|h| &h.arrivals) {
            if let (Some(burst), Some(sent)) = (bursts.get_mut(k as usize), sent.get(k as usize)) {
                burst.reached += 1;
                burst.arrival_us.push(at_ns.saturating_sub(sent.at_ns) / 1000);
            }
        }
        for burst in &mut bursts {
            burst.arrival_us.sort_unstable();
        }
        Self {
            target: target.name.clone(),
            sessions: u64::from(args.sessions),
            workers: opened.len() as u64,
            setup,
            ramp,
            opened: opened.iter().map(|o| o.opened).sum(),
            failed: opened.iter().map(|o| o.failed).sum(),
            first_error: opened.iter().find_map(|o| o.first_error.clone()),
            unexpected_closes: held.iter().map(|h| h.unexpected_closes).sum(),
            bursts,
            cpu_cores,
            cpu_scope: target.cpu_scope.describe(),
        }
    }

    /// The median over messages of the time until the last session had it, µs.
    pub fn median_last_us(&self) -> Option<u64> {
        let mut last: Vec<u64> = self.bursts.iter().filter_map(|b| b.arrival_us.last().copied()).collect();
        last.sort_unstable();
        crate::stats::percentile(&last, 50.0)
    }
}

impl Report for BurstReport {
    fn to_json(&self) -> Value {
        json!({
            "scenario": "burst",
            "target": self.target,
            "sessions": self.sessions,
            "workers": self.workers,
            "setup_s": (self.setup.as_secs_f64() * 100.0).round() / 100.0,
            "ramp_s": (self.ramp.as_secs_f64() * 100.0).round() / 100.0,
            "opened": self.opened,
            "failed": self.failed,
            "first_error": self.first_error,
            "unexpected_closes": self.unexpected_closes,
            "median_last_ms": self.median_last_us().map(|us| (us as f64 / 10.0).round() / 100.0),
            "bursts": self.bursts.iter().map(|b| json!({
                "post_ms": (b.post.as_secs_f64() * 100_000.0).round() / 100.0,
                "reached": b.reached,
                "first_ms": ms(&b.arrival_us, 0.0),
                "p50_ms": ms(&b.arrival_us, 50.0),
                "p99_ms": ms(&b.arrival_us, 99.0),
                "last_ms": ms(&b.arrival_us, 100.0),
            })).collect::<Vec<_>>(),
            "cpu_cores": self.cpu_cores.map(|c| (c * 1000.0).round() / 1000.0),
            "cpu_scope": self.cpu_scope,
        })
    }

    fn to_text(&self) -> String {
        let failed = self.first_error.as_ref().map_or_else(String::new, |e| format!(" (first: {e})"));
        let cpu = self.cpu_cores.map_or_else(|| "not measured".into(), |c| format!("{c:.2} cores"));
        let mut text = format!(
            "burst: one message at a time to {} sessions in one guild, {} worker processes, target {}\n  \
             setup:      {:.1} s (register, join); {} opened, {} failed{failed} in {:.1} s\n  \
             last frame: median over {} messages {}\n  \
             server CPU: {cpu} over the bursts ({}); {} unexpected closes\n  \
             message   POST      reached   first     p50       p99       last",
            self.sessions,
            self.workers,
            self.target,
            self.setup.as_secs_f64(),
            self.opened,
            self.failed,
            self.ramp.as_secs_f64(),
            self.bursts.len(),
            self.median_last_us().map_or_else(|| "-".into(), |us| format!("{:.2} ms", us as f64 / 1000.0)),
            self.cpu_scope,
            self.unexpected_closes,
        );
        for (k, b) in self.bursts.iter().enumerate() {
            text.push_str(&format!(
                "\n  {k:<9} {:<9} {:<9} {:<9} {:<9} {:<9} {}",
                format!("{:.2} ms", b.post.as_secs_f64() * 1000.0),
                b.reached,
                ms_text(&b.arrival_us, 0.0),
                ms_text(&b.arrival_us, 50.0),
                ms_text(&b.arrival_us, 99.0),
                ms_text(&b.arrival_us, 100.0),
            ));
        }
        text
    }
}
