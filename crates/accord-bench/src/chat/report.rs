//! What a chat run measured, as text and JSON, with the latency of each second of sending.

use std::time::Duration;

use serde_json::{Value, json};

use super::history::Comparison;
use crate::report::{Line, Plot, Report};
use crate::stats::{ms, ms_text, per_second};

#[derive(Debug, Clone, Default)]
pub struct ChatReport {
    pub target: String,
    pub sessions: u64,
    pub guilds: u64,
    pub writers: u64,
    /// Messages per second asked for.
    pub rate: u64,
    pub seconds: u64,
    /// Registering the users, making the guilds and joining them.
    pub setup: Duration,
    /// Every session's identify, to its GUILD_CREATE.
    pub identify: Duration,
    pub acked: u64,
    pub post_failed: u64,
    pub first_post_error: Option<String>,
    /// From the first POST to the last answer.
    pub send_elapsed: Duration,
    /// POST latency, µs, sorted.
    pub post_us: Vec<u64>,
    /// Acknowledged messages times the sessions of their guild.
    pub deliveries_expected: u64,
    /// Distinct acknowledged messages the sessions received.
    pub delivered: u64,
    pub duplicates: u64,
    pub reordered: u64,
    /// Send-to-receive latency, µs, sorted.
    pub receive_us: Vec<u64>,
    /// REST history against the acknowledged messages.
    pub history: Comparison,
    pub resumed: u64,
    pub resume_failed: u64,
    pub first_resume_error: Option<String>,
    /// Dropping the connection to RESUMED, µs, sorted.
    pub resume_us: Vec<u64>,
    /// Sessions the server closed, or that failed to read.
    pub ended_early: u64,
    pub first_session_error: Option<String>,
    /// The server's CPU while the writers posted, in cores.
    pub cpu_cores: Option<f64>,
    pub cpu_scope: String,
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
    pub rss_scope: String,
    /// (seconds since identifying began, KiB) every [`super::RSS_EVERY`].
    pub rss_series: Vec<(f64, u64)>,
    /// One entry per second of sending.
    pub seconds_series: Vec<Second>,
}

/// The messages sent in one second of the run, as received.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Second {
    pub second: u32,
    pub deliveries: u64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

/// Groups (send ms, latency µs) samples by the second they were sent in (counted from
/// `first_ms`), with each second's median and 99th percentile.
pub fn by_second(samples: &[(u32, u32)], first_ms: u32) -> Vec<Second> {
    let mut buckets: Vec<Vec<u64>> = Vec::new();
    for &(sent_ms, latency_us) in samples {
        let second = (sent_ms.saturating_sub(first_ms) / 1000) as usize;
        if buckets.len() <= second {
            buckets.resize_with(second + 1, Vec::new);
        }
        buckets[second].push(u64::from(latency_us));
    }
    buckets
        .into_iter()
        .enumerate()
        .map(|(second, mut latencies)| {
            latencies.sort_unstable();
            Second {
                second: second as u32,
                deliveries: latencies.len() as u64,
                p50_ms: ms(&latencies, 50.0),
                p99_ms: ms(&latencies, 99.0),
            }
        })
        .collect()
}

impl ChatReport {
    /// Deliveries expected but not received.
    pub fn lost(&self) -> u64 {
        self.deliveries_expected.saturating_sub(self.delivered)
    }

    /// Acknowledged messages per second of sending.
    pub fn messages_per_sec(&self) -> f64 {
        per_second(self.acked, self.send_elapsed)
    }
}

impl Report for ChatReport {
    fn plots(&self) -> Vec<Plot> {
        let line = |name: &str, pick: fn(&Second) -> Option<f64>| {
            let points = self.seconds_series.iter().filter_map(|s| Some((f64::from(s.second), pick(s)?))).collect();
            Line::new(name, points)
        };
        let latency = Plot {
            file: "latency".into(),
            title: format!("Send to receive, by the second a message was sent ({} msg/s asked)", self.rate),
            y_label: "ms".into(),
            lines: vec![line("p50", |s| s.p50_ms), line("p99", |s| s.p99_ms)],
        };
        std::iter::once(latency).chain(Plot::rss(&self.rss_series, &self.rss_scope)).collect()
    }

    fn to_json(&self) -> Value {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let latency =
            |us: &[u64]| json!({ "p50": ms(us, 50.0), "p99": ms(us, 99.0), "max": ms(us, 100.0), "samples": us.len() });
        json!({
            "scenario": "chat",
            "target": self.target,
            "sessions": self.sessions,
            "guilds": self.guilds,
            "writers": self.writers,
            "rate": self.rate,
            "seconds": self.seconds,
            "setup_s": round(self.setup.as_secs_f64()),
            "identify_s": round(self.identify.as_secs_f64()),
            "acked": self.acked,
            "post_failed": self.post_failed,
            "first_post_error": self.first_post_error,
            "messages_per_s": round(self.messages_per_sec()),
            "deliveries_per_s": round(per_second(self.delivered, self.send_elapsed)),
            "post_ms": latency(&self.post_us),
            "receive_ms": latency(&self.receive_us),
            "deliveries_expected": self.deliveries_expected,
            "delivered": self.delivered,
            "lost": self.lost(),
            "duplicates": self.duplicates,
            "reordered": self.reordered,
            "history": {
                "lost": self.history.lost,
                "duplicated": self.history.duplicated,
                "reordered": self.history.reordered,
                "unacknowledged": self.history.unacknowledged,
            },
            "resumes": { "ok": self.resumed, "failed": self.resume_failed, "first_error": self.first_resume_error,
                         "p50_ms": ms(&self.resume_us, 50.0), "max_ms": ms(&self.resume_us, 100.0) },
            "ended_early": self.ended_early,
            "first_session_error": self.first_session_error,
            "cpu_cores": self.cpu_cores.map(|c| (c * 1000.0).round() / 1000.0),
            "cpu_scope": self.cpu_scope,
            "rss_kib": { "before": self.rss_before_kib, "after": self.rss_after_kib, "scope": self.rss_scope },
            "per_second": self.seconds_series.iter().map(|s| json!({
                "second": s.second, "deliveries": s.deliveries, "p50_ms": s.p50_ms, "p99_ms": s.p99_ms,
            })).collect::<Vec<_>>(),
        })
    }

    fn to_text(&self) -> String {
        let failed = self.first_post_error.as_ref().map_or_else(String::new, |e| format!(" (first: {e})"));
        let resume_error = self.first_resume_error.as_ref().map_or_else(String::new, |e| format!(" (first: {e})"));
        let session_error = self.first_session_error.as_ref().map_or_else(String::new, |e| format!(" (first: {e})"));
        let cpu = self.cpu_cores.map_or_else(|| "not measured".into(), |c| format!("{c:.2} cores"));
        let rss = match (self.rss_before_kib, self.rss_after_kib) {
            (Some(before), Some(after)) => format!("{before} KiB before the sessions, {after} KiB after the posting"),
            _ => "not measured".into(),
        };
        let worst = self.seconds_series.iter().filter_map(|s| s.p99_ms).fold(0.0, f64::max);
        format!(
            "chat: {} sessions in {} guilds, {} writers at {} msg/s for {} s, target {}\n  \
             setup:      {:.1} s (register, guilds, joins); identify {:.1} s\n  \
             posted:     {} accepted, {} failed{failed}; {:.0} msg/s; POST p50 {} p99 {} max {}\n  \
             received:   {} of {} deliveries ({:.0}/s): {} lost, {} duplicated, {} out of order\n  \
             latency:    send to receive p50 {} p99 {} max {}; worst second's p99 {worst} ms\n  \
             history:    {} lost, {} duplicated, {} out of order, {} stored without an answer\n  \
             resumes:    {} resumed, {} failed{resume_error}; p50 {} max {}\n  \
             sessions:   {} ended early{session_error}\n  \
             server CPU: {cpu} while posting ({})\n  \
             memory:     {rss} ({})",
            self.sessions,
            self.guilds,
            self.writers,
            self.rate,
            self.seconds,
            self.target,
            self.setup.as_secs_f64(),
            self.identify.as_secs_f64(),
            self.acked,
            self.post_failed,
            self.messages_per_sec(),
            ms_text(&self.post_us, 50.0),
            ms_text(&self.post_us, 99.0),
            ms_text(&self.post_us, 100.0),
            self.delivered,
            self.deliveries_expected,
            per_second(self.delivered, self.send_elapsed),
            self.lost(),
            self.duplicates,
            self.reordered,
            ms_text(&self.receive_us, 50.0),
            ms_text(&self.receive_us, 99.0),
            ms_text(&self.receive_us, 100.0),
            self.history.lost,
            self.history.duplicated,
            self.history.reordered,
            self.history.unacknowledged,
            self.resumed,
            self.resume_failed,
            ms_text(&self.resume_us, 50.0),
            ms_text(&self.resume_us, 100.0),
            self.ended_early,
            self.cpu_scope,
            self.rss_scope,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_group_by_the_second_they_were_sent_in() {
        let samples = [(1000, 2000), (1500, 4000), (2999, 1000), (3100, 9000)];
        let series = by_second(&samples, 1000);
        assert_eq!(series.len(), 3);
        assert_eq!((series[0].deliveries, series[0].p50_ms, series[0].p99_ms), (2, Some(2.0), Some(4.0)));
        assert_eq!((series[1].deliveries, series[2].deliveries), (1, 1));
    }
}
