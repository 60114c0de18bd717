//! Percentiles and the fan-out report, as text for people and as one JSON line for tools.

use std::time::Duration;

use crate::report::Report;
use serde_json::{Value, json};

/// The value at percentile `p` (0..=100) of `sorted` by nearest rank; `None` when empty.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Percentile `p` of `sorted_us` (microseconds) in milliseconds, to two decimals.
pub fn ms(sorted_us: &[u64], p: f64) -> Option<f64> {
    percentile(sorted_us, p).map(|us| (us as f64 / 10.0).round() / 100.0)
}

/// [`ms`] for people: `1.25 ms`, or `-` without samples.
pub fn ms_text(sorted_us: &[u64], p: f64) -> String {
    ms(sorted_us, p).map_or_else(|| "-".into(), |v| format!("{v} ms"))
}

/// Events per second over `elapsed` (0 when nothing elapsed).
pub fn per_second(count: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}

/// What one fan-out run measured.
#[derive(Debug, Clone, Default)]
pub struct FanoutReport {
    /// `embedded` or the target URL.
    pub target: String,
    pub compress: String,
    pub sessions: u64,
    pub messages: u64,
    /// Registering N+1 users, creating the guild and joining it.
    pub setup: Duration,
    /// Connecting and identifying every session, up to its GUILD_CREATE.
    pub identify: Duration,
    /// Size of one session's GUILD_CREATE `d` as JSON.
    pub guild_create_bytes: u64,
    /// POSTs answered 200 and the others.
    pub posted: u64,
    pub post_failures: u64,
    /// From the first POST sent to the last answered.
    pub post_elapsed: Duration,
    /// MESSAGE_CREATE frames of this run received across all sessions, repeats included.
    pub delivered_frames: u64,
    /// Distinct (session, message) pairs received.
    pub delivered_unique: u64,
    /// From the first POST sent to the last MESSAGE_CREATE received.
    pub delivery_elapsed: Duration,
    /// Send-to-receive latency of every delivery, in microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// Sessions the server closed during the run, and the close codes seen.
    pub closed_sessions: u64,
    pub close_codes: Vec<u16>,
    /// Resident memory (KiB) before the sessions connected and after they identified.
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
    /// Whose memory that is.
    pub rss_scope: String,
}

impl FanoutReport {
    /// Every session should receive every accepted message.
    pub fn expected(&self) -> u64 {
        self.sessions * self.posted
    }

    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.delivered_unique)
    }

    pub fn duplicates(&self) -> u64 {
        self.delivered_frames - self.delivered_unique
    }

    pub fn messages_per_sec(&self) -> f64 {
        per_second(self.posted, self.post_elapsed)
    }

    pub fn frames_per_sec(&self) -> f64 {
        per_second(self.delivered_frames, self.delivery_elapsed)
    }

    /// Latency percentile in milliseconds.
    pub fn latency_ms(&self, p: f64) -> Option<f64> {
        percentile(&self.latencies_us, p).map(|us| us as f64 / 1000.0)
    }

    /// RSS growth per session in KiB, when measured.
    pub fn rss_per_session_kib(&self) -> Option<f64> {
        let (before, after) = (self.rss_before_kib?, self.rss_after_kib?);
        Some(after.saturating_sub(before) as f64 / self.sessions as f64)
    }
}

impl Report for FanoutReport {
    fn to_json(&self) -> Value {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let ms = |p: f64| self.latency_ms(p).map(round);
        json!({
            "scenario": "fanout",
            "target": self.target,
            "compress": self.compress,
            "sessions": self.sessions,
            "messages": self.messages,
            "setup_s": round(self.setup.as_secs_f64()),
            "identify_s": round(self.identify.as_secs_f64()),
            "guild_create_bytes": self.guild_create_bytes,
            "posted": self.posted,
            "post_failures": self.post_failures,
            "post_s": round(self.post_elapsed.as_secs_f64()),
            "messages_per_s": round(self.messages_per_sec()),
            "expected_deliveries": self.expected(),
            "delivered_frames": self.delivered_frames,
            "lost": self.lost(),
            "duplicates": self.duplicates(),
            "delivery_s": round(self.delivery_elapsed.as_secs_f64()),
            "delivered_frames_per_s": round(self.frames_per_sec()),
            "latency_ms": { "p50": ms(50.0), "p99": ms(99.0), "max": ms(100.0), "samples": self.latencies_us.len() },
            "closed_sessions": self.closed_sessions,
            "close_codes": self.close_codes,
            "rss_kib": {
                "before": self.rss_before_kib,
                "after": self.rss_after_kib,
                "per_session": self.rss_per_session_kib().map(round),
                "scope": self.rss_scope,
            },
        })
    }

    fn to_text(&self) -> String {
        let ms = |p: f64| self.latency_ms(p).map_or_else(|| "-".into(), |v| format!("{v:.1} ms"));
        let rss = match (self.rss_before_kib, self.rss_after_kib, self.rss_per_session_kib()) {
            (Some(before), Some(after), Some(per)) => {
                format!("{before} KiB -> {after} KiB after identify = {per:.1} KiB per session ({})", self.rss_scope)
            }
            _ => format!("not measured ({})", self.rss_scope),
        };
        let closes = if self.closed_sessions == 0 {
            String::new()
        } else {
            format!(
                "\n  closed:     {} sessions closed by the server, codes {:?}",
                self.closed_sessions, self.close_codes
            )
        };
        format!(
            "fanout: {} sessions x {} messages against {} (compress {})\n  \
             setup:      users registered and joined in {:.2} s; sessions identified in {:.2} s \
             (GUILD_CREATE {} bytes each)\n  \
             POST:       {} accepted, {} failed in {:.2} s = {:.0} messages/s\n  \
             delivered:  {} of {} MESSAGE_CREATE frames ({} lost, {} repeated) in {:.2} s = {:.0} frames/s\n  \
             latency:    send -> receive p50 {}, p99 {}, max {} ({} samples)\n  \
             memory:     {rss}{closes}",
            self.sessions,
            self.messages,
            self.target,
            self.compress,
            self.setup.as_secs_f64(),
            self.identify.as_secs_f64(),
            self.guild_create_bytes,
            self.posted,
            self.post_failures,
            self.post_elapsed.as_secs_f64(),
            self.messages_per_sec(),
            self.delivered_frames,
            self.expected(),
            self.lost(),
            self.duplicates(),
            self.delivery_elapsed.as_secs_f64(),
            self.frames_per_sec(),
            ms(50.0),
            ms(99.0),
            ms(100.0),
            self.latencies_us.len(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 50.0), Some(50));
        assert_eq!(percentile(&sorted, 99.0), Some(99));
        assert_eq!(percentile(&sorted, 100.0), Some(100));
        assert_eq!(percentile(&sorted, 0.0), Some(1));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn losses_count_missing_session_message_pairs() {
        let report =
            FanoutReport { sessions: 3, posted: 4, delivered_frames: 11, delivered_unique: 10, ..Default::default() };
        assert_eq!((report.expected(), report.lost(), report.duplicates()), (12, 2, 1));
    }
}
