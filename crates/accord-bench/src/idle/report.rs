//! What an idle run measured, as text and JSON.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Held, Opened};
use crate::args::IdleArgs;
use crate::report::{Plot, Report};
use crate::stats::{ms, ms_text};
use crate::target::Target;

#[derive(Debug, Clone, Default)]
pub struct IdleReport {
    pub target: String,
    pub sessions: u64,
    pub workers: u64,
    pub guild_size: u64,
    /// Registering the users, making the guilds and joining them.
    pub setup: Duration,
    /// From the first worker starting to the last session's GUILD_CREATE.
    pub ramp: Duration,
    pub opened: u64,
    pub failed: u64,
    pub first_error: Option<String>,
    /// Connect to GUILD_CREATE per session, microseconds, sorted.
    pub identify_us: Vec<u64>,
    pub hold: Duration,
    /// Heartbeat to ACK, microseconds, sorted.
    pub ack_us: Vec<u64>,
    pub unacked: u64,
    pub unexpected_closes: u64,
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
    pub rss_scope: String,
    /// (seconds since the ramp began, KiB), through the ramp and the hold.
    pub rss_series: Vec<(f64, u64)>,
    /// The server's CPU over the hold, in cores.
    pub hold_cpu_cores: Option<f64>,
    pub cpu_scope: String,
}

impl IdleReport {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        args: &IdleArgs,
        target: &Target,
        setup: Duration,
        ramp: Duration,
        (rss_before_kib, rss_after_kib): (Option<u64>, Option<u64>),
        hold_cpu_cores: Option<f64>,
        opened: &[Opened],
        held: &[Held],
    ) -> Self {
        let mut identify_us: Vec<u64> = opened.iter().flat_map(|o| o.identify_us.iter().copied()).collect();
        identify_us.sort_unstable();
        let mut ack_us: Vec<u64> = held.iter().flat_map(|h| h.ack_us.iter().copied()).collect();
        ack_us.sort_unstable();
        Self {
            target: target.name.clone(),
            sessions: u64::from(args.sessions),
            workers: opened.len() as u64,
            guild_size: u64::from(args.guild_size),
            setup,
            ramp,
            opened: opened.iter().map(|o| o.opened).sum(),
            failed: opened.iter().map(|o| o.failed).sum(),
            first_error: opened.iter().find_map(|o| o.first_error.clone()),
            identify_us,
            hold: args.hold(),
            ack_us,
            unacked: held.iter().map(|h| h.unacked).sum(),
            unexpected_closes: held.iter().map(|h| h.unexpected_closes).sum(),
            rss_before_kib,
            rss_after_kib,
            rss_scope: match target.rss_scope {
                // The sessions' client ends live in the worker processes.
                crate::target::RssScope::ThisProcess => "this process: the embedded server alone".into(),
                scope => scope.describe(),
            },
            rss_series: Vec::new(),
            hold_cpu_cores,
            cpu_scope: target.cpu_scope.describe(),
        }
    }

    /// Server memory added per open session, KiB.
    pub fn rss_per_session_kib(&self) -> Option<f64> {
        let (before, after) = (self.rss_before_kib?, self.rss_after_kib?);
        (self.opened > 0).then(|| after.saturating_sub(before) as f64 / self.opened as f64)
    }
}

impl Report for IdleReport {
    fn plots(&self) -> Vec<Plot> {
        Plot::rss(&self.rss_series, &self.rss_scope).into_iter().collect()
    }

    fn to_json(&self) -> Value {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        json!({
            "scenario": "idle",
            "target": self.target,
            "sessions": self.sessions,
            "workers": self.workers,
            "guild_size": self.guild_size,
            "setup_s": round(self.setup.as_secs_f64()),
            "ramp_s": round(self.ramp.as_secs_f64()),
            "opened": self.opened,
            "failed": self.failed,
            "first_error": self.first_error,
            "identify_ms": { "p50": ms(&self.identify_us, 50.0), "p99": ms(&self.identify_us, 99.0) },
            "hold_s": self.hold.as_secs(),
            "heartbeat_ack_ms": {
                "p50": ms(&self.ack_us, 50.0),
                "p99": ms(&self.ack_us, 99.0),
                "max": ms(&self.ack_us, 100.0),
                "samples": self.ack_us.len(),
            },
            "unacked_heartbeats": self.unacked,
            "unexpected_closes": self.unexpected_closes,
            "rss_kib": {
                "before": self.rss_before_kib,
                "after": self.rss_after_kib,
                "per_session": self.rss_per_session_kib().map(round),
                "scope": self.rss_scope,
            },
            "hold_cpu_cores": self.hold_cpu_cores.map(|c| (c * 1000.0).round() / 1000.0),
            "cpu_scope": self.cpu_scope,
        })
    }

    fn to_text(&self) -> String {
        let rss = match (self.rss_before_kib, self.rss_after_kib, self.rss_per_session_kib()) {
            (Some(before), Some(after), Some(per)) => {
                format!("{before} KiB -> {after} KiB = {per:.1} KiB per session ({})", self.rss_scope)
            }
            _ => format!("not measured ({})", self.rss_scope),
        };
        let failed = self.first_error.as_ref().map_or_else(String::new, |e| format!(" (first: {e})"));
        let cpu = self.hold_cpu_cores.map_or_else(|| "not measured".into(), |c| format!("{c:.3} cores"));
        format!(
            "idle: {} sessions in guilds of {}, {} worker processes, target {}\n  \
             setup:      {:.1} s (register, guilds, joins)\n  \
             ramp:       {} opened, {} failed{failed} in {:.1} s; identify p50 {} p99 {}\n  \
             memory:     {rss}\n  \
             hold:       {} s; heartbeat ACK p50 {} p99 {} max {} ({} beats), {} unacked, {} unexpected closes\n  \
             server CPU: {cpu} while idle ({})",
            self.sessions,
            self.guild_size,
            self.workers,
            self.target,
            self.setup.as_secs_f64(),
            self.opened,
            self.failed,
            self.ramp.as_secs_f64(),
            ms_text(&self.identify_us, 50.0),
            ms_text(&self.identify_us, 99.0),
            self.hold.as_secs(),
            ms_text(&self.ack_us, 50.0),
            ms_text(&self.ack_us, 99.0),
            ms_text(&self.ack_us, 100.0),
            self.ack_us.len(),
            self.unacked,
            self.unexpected_closes,
            self.cpu_scope,
        )
    }
}
