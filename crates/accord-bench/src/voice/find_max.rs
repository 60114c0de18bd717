//! `--find-max`: runs the voice scenario with more channels of `--peers` participants each step
//! — doubling from `--channels`, then halving the gap between the largest count within every
//! limit and the smallest over one — until the gap closes, `--max-channels` passes within, or
//! `--max-steps` ran. The limits: the server's CPU in cores, lost frames in percent, and the
//! p99 latency. All steps run against one server, each with fresh users and channels.

use std::time::Duration;

use serde_json::{Value, json};

use super::{VoiceReport, run_against};
use crate::args::VoiceArgs;
use crate::report::Report;
use crate::setup::run_tag;
use crate::target::{Placement, Target};

/// The pause between steps, so the server has closed the last step's sessions.
const BETWEEN_STEPS: Duration = Duration::from_secs(2);

/// One step: its channel count, what it measured (or why it failed), and the limits it crossed.
#[derive(Debug, Clone)]
pub struct Step {
    pub channels: u32,
    pub report: Option<VoiceReport>,
    pub error: Option<String>,
    pub over: Vec<String>,
}

impl Step {
    pub fn within(&self) -> bool {
        self.error.is_none() && self.over.is_empty()
    }

    fn verdict(&self) -> String {
        match &self.error {
            Some(error) => format!("failed: {error}"),
            None if self.over.is_empty() => "within".into(),
            None => format!("over: {}", self.over.join(", ")),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FindMaxReport {
    pub target: String,
    pub peers: u32,
    pub seconds: u64,
    pub max_cores: f64,
    pub max_loss_pct: f64,
    pub max_p99_ms: f64,
    /// Whose CPU the core limit applies to ("not measured" skips it).
    pub cpu_scope: String,
    pub cpu_measured: bool,
    pub steps: Vec<Step>,
}

/// Runs the search against the target `args` name (an embedded server on threads of its own).
pub async fn run(args: &VoiceArgs) -> anyhow::Result<FindMaxReport> {
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = search(&target, args).await;
    target.stop(Duration::from_secs(10)).await?;
    Ok(report)
}

async fn search(target: &Target, args: &VoiceArgs) -> FindMaxReport {
    let mut report = FindMaxReport {
        target: target.name.clone(),
        peers: args.peers,
        seconds: args.seconds,
        max_cores: args.max_cores,
        max_loss_pct: args.max_loss_pct,
        max_p99_ms: args.max_p99_ms,
        cpu_scope: target.cpu_scope.describe(),
        cpu_measured: target.server_cpu_ns().is_some(),
        steps: Vec::new(),
    };
    let tag = run_tag();
    let (mut within, mut over): (Option<u32>, Option<u32>) = (None, None);
    let mut channels = args.channels.min(args.max_channels);
    for index in 0..args.max_steps {
        let deadline = tokio::time::Instant::now() + args.timeout();
        let measured = run_against(target, args, channels, &format!("v{tag}s{index}"), deadline).await;
        let step = judge(args, channels, measured);
        eprintln!("step {}: {} channels x {} participants: {}", index + 1, channels, args.peers, step.verdict());
        if step.within() {
            within = within.max(Some(channels));
        } else {
            over = Some(over.map_or(channels, |o| o.min(channels)));
        }
        report.steps.push(step);
        let Some(next) = next_channels(within, over, args.max_channels) else { break };
        channels = next;
        tokio::time::sleep(BETWEEN_STEPS).await;
    }
    report
}

/// The next channel count: double while everything passed, then bisect; `None` when done.
pub fn next_channels(within: Option<u32>, over: Option<u32>, max: u32) -> Option<u32> {
    match (within, over) {
        (Some(w), None) => (w < max).then(|| w.saturating_mul(2).min(max)),
        (w, Some(o)) => {
            let w = w.unwrap_or(0);
            (o > w + 1).then(|| w + (o - w) / 2)
        }
        (None, None) => None,
    }
}

fn judge(args: &VoiceArgs, channels: u32, measured: anyhow::Result<VoiceReport>) -> Step {
    let report = match measured {
        Ok(report) => report,
        Err(error) => return Step { channels, report: None, error: Some(format!("{error:#}")), over: Vec::new() },
    };
    let mut over = Vec::new();
    if let Some(cores) = report.server_cores().filter(|&c| c > args.max_cores) {
        over.push(format!("server CPU {cores:.2} cores"));
    }
    if report.tally.loss_pct() > args.max_loss_pct {
        over.push(format!("loss {:.2} %", report.tally.loss_pct()));
    }
    match report.latency_ms(99.0) {
        Some(p99) if p99 > args.max_p99_ms => over.push(format!("p99 {p99:.1} ms")),
        None => over.push("no frame arrived".into()),
        Some(_) => {}
    }
    Step { channels, report: Some(report), error: None, over }
}

impl FindMaxReport {
    /// The step with the most channels within every limit.
    pub fn best(&self) -> Option<&Step> {
        self.steps.iter().filter(|s| s.within()).max_by_key(|s| s.channels)
    }

    /// The step with the fewest channels over a limit (or failed).
    pub fn first_over(&self) -> Option<&Step> {
        self.steps.iter().filter(|s| !s.within()).min_by_key(|s| s.channels)
    }
}

impl Report for FindMaxReport {
    fn to_json(&self) -> Value {
        let participants = |s: &Step| u64::from(s.channels) * u64::from(self.peers);
        json!({
            "scenario": "voice-find-max",
            "target": self.target,
            "peers_per_channel": self.peers,
            "seconds": self.seconds,
            "limits": {
                "server_cores": self.cpu_measured.then_some(self.max_cores),
                "cpu_scope": self.cpu_scope,
                "loss_pct": self.max_loss_pct,
                "p99_ms": self.max_p99_ms,
            },
            "max_participants": self.best().map(participants),
            "max_channels": self.best().map(|s| s.channels),
            "first_over_channels": self.first_over().map(|s| s.channels),
            "steps": self.steps.iter().map(|s| json!({
                "channels": s.channels,
                "participants": participants(s),
                "within": s.within(),
                "over": s.over,
                "error": s.error,
                "report": s.report.as_ref().map(VoiceReport::to_json),
            })).collect::<Vec<_>>(),
        })
    }

    fn to_text(&self) -> String {
        let cpu_limit = if self.cpu_measured {
            format!("server CPU <= {:.2} cores ({})", self.max_cores, self.cpu_scope)
        } else {
            format!("server CPU not limited: {}", self.cpu_scope)
        };
        let mut text = format!(
            "voice find-max: channels of {} participants, {} s per step, against {}\n  \
             limits:  {cpu_limit}, loss <= {:.2} %, p99 <= {:.1} ms\n  \
             step  channels  participants  server cores  µs/packet  client cores  loss %   p99 ms  \
             forwarded/s  UDP drops s/c  srv wait  load  verdict",
            self.peers, self.seconds, self.target, self.max_loss_pct, self.max_p99_ms,
        );
        let count = |n: Option<u64>| n.map_or_else(|| "-".into(), |n| n.to_string());
        let opt = |v: Option<f64>, digits: usize| v.map_or_else(|| "-".into(), |v| format!("{v:.digits$}"));
        for (i, step) in self.steps.iter().enumerate() {
            let r = step.report.as_ref();
            text += &format!(
                "\n  {:>4}  {:>8}  {:>12}  {:>12}  {:>9}  {:>12}  {:>6}  {:>7}  {:>11}  {:>13}  {:>8}  {:>4}  {}",
                i + 1,
                step.channels,
                u64::from(step.channels) * u64::from(self.peers),
                opt(r.and_then(VoiceReport::server_cores), 3),
                opt(r.and_then(VoiceReport::cpu_per_packet_us), 1),
                opt(r.and_then(VoiceReport::clients_cores), 3),
                opt(r.map(|r| r.tally.loss_pct()), 3),
                opt(r.and_then(|r| r.latency_ms(99.0)), 1),
                opt(r.map(VoiceReport::received_per_sec), 0),
                r.map_or_else(|| "-".into(), |r| format!("{}/{}", count(r.drops.server), count(r.drops.clients))),
                opt(r.and_then(|r| r.load_cpu.server_wait()), 3),
                opt(r.and_then(|r| r.load_average), 1),
                step.verdict(),
            );
        }
        let result = match (self.best(), self.first_over()) {
            (Some(best), over) => {
                let then = over.map_or_else(String::new, |o| {
                    format!(
                        "; {} channels ({} participants) did not",
                        o.channels,
                        u64::from(o.channels) * u64::from(self.peers)
                    )
                });
                format!(
                    "at most {} participants ({} channels of {}) stayed within every limit{then}",
                    u64::from(best.channels) * u64::from(self.peers),
                    best.channels,
                    self.peers,
                )
            }
            (None, _) => "no step stayed within every limit".into(),
        };
        text + &format!("\n  result:  {result}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_channel_count_doubles_then_halves_the_gap() {
        assert_eq!(next_channels(Some(3), None, 256), Some(6));
        assert_eq!(next_channels(Some(200), None, 256), Some(256));
        assert_eq!(next_channels(Some(256), None, 256), None, "the largest count passed");
        assert_eq!(next_channels(Some(12), Some(24), 256), Some(18));
        assert_eq!(next_channels(Some(18), Some(19), 256), None, "the gap closed");
        assert_eq!(next_channels(None, Some(3), 256), Some(1), "the first step failed");
        assert_eq!(next_channels(None, Some(1), 256), None);
    }
}
