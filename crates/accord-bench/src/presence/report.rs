//! What a presence run measured, folded from the watchers' outcomes, as text for people and as
//! one JSON line for tools.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

use super::status_of;
use super::watcher::WatcherOutcome;
use crate::clock::SendClock;
use crate::report::Report;
use crate::stats::{per_second, percentile};

#[derive(Debug, Clone, Default)]
pub struct PresenceReport {
    /// `embedded` or the target URL.
    pub target: String,
    pub watchers: u64,
    pub watcher_status: String,
    pub changes: u64,
    pub burst: u64,
    pub pause_ms: u64,
    /// Registering N+1 users, creating the guild and joining it.
    pub setup: Duration,
    /// Identifying every watcher, up to their GUILD_CREATE.
    pub identify: Duration,
    /// Dispatches the watchers read before the first change (their own presence updates).
    pub setup_updates: u64,
    /// Changes the actor sent, and the bursts they made.
    pub sent: u64,
    pub bursts: u64,
    /// Times the actor moved to a fresh session.
    pub handoffs: u64,
    /// From the first change to the last (pauses included).
    pub send_elapsed: Duration,
    /// Why the actor stopped early, if it did.
    pub actor_error: Option<String>,
    /// PRESENCE_UPDATEs about the actor showing one of its changes, all watchers together.
    pub updates: u64,
    /// The fewest and most one watcher got.
    pub updates_min: Option<u64>,
    pub updates_max: u64,
    /// Updates showing a change that is not its burst's last (a window closed mid-burst).
    pub split: u64,
    /// Updates showing the same change as the watcher's previous one.
    pub repeats: u64,
    /// Updates about the actor showing no change of the run, and about other users.
    pub unindexed: u64,
    pub others: u64,
    /// From the first change to the last update read.
    pub delivery_elapsed: Duration,
    /// From each burst's last change to the first update showing it, per watcher, in
    /// microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// (watcher, burst) pairs with no update showing the burst's last change.
    pub missed_bursts: u64,
    /// Watchers whose last update does not show the actor's last change.
    pub stale_watchers: u64,
    /// Watchers the server closed during the run, and the close codes seen.
    pub closed_sessions: u64,
    pub close_codes: Vec<u16>,
}

impl PresenceReport {
    /// Adds one watcher's outcome; `ends` are the last changes of the bursts sent.
    pub fn add_watcher(&mut self, outcome: &WatcherOutcome, ends: &[usize], clock: &SendClock) {
        let count = outcome.updates.len() as u64;
        self.updates += count;
        self.updates_min = Some(self.updates_min.map_or(count, |min| min.min(count)));
        self.updates_max = self.updates_max.max(count);
        self.unindexed += outcome.unindexed;
        self.others += outcome.others;
        let mut first: HashMap<usize, u64> = HashMap::new();
        let mut previous = None;
        for update in &outcome.updates {
            self.repeats += u64::from(previous == Some(update.index));
            self.split += u64::from(ends.binary_search(&update.index).is_err());
            previous = Some(update.index);
            first.entry(update.index).or_insert(update.at_ns);
        }
        for &end in ends {
            match (first.get(&end), clock.sent_at(end)) {
                (Some(&at), Some(sent)) => self.latencies_us.push(at.saturating_sub(sent) / 1000),
                _ => self.missed_bursts += 1,
            }
        }
        let last = self.sent.checked_sub(1).map(|l| l as usize);
        let current = outcome.updates.last().is_some_and(|u| Some(u.index) == last && u.status == status_of(u.index));
        self.stale_watchers += u64::from(last.is_some() && !current);
        if let Some(code) = outcome.closed {
            self.closed_sessions += 1;
            self.close_codes.extend(code.filter(|c| !self.close_codes.contains(c)));
        }
    }

    /// Updates one watcher got, on average.
    pub fn updates_per_watcher(&self) -> f64 {
        if self.watchers == 0 { 0.0 } else { self.updates as f64 / self.watchers as f64 }
    }

    /// Updates per watcher for each change sent: 1 without coalescing, 1/K with full bursts.
    pub fn coalescing_ratio(&self) -> f64 {
        if self.sent == 0 { 0.0 } else { self.updates_per_watcher() / self.sent as f64 }
    }

    pub fn updates_per_sec(&self) -> f64 {
        per_second(self.updates, self.delivery_elapsed)
    }

    /// Every watcher should get an update for every burst.
    pub fn expected(&self) -> u64 {
        self.watchers * self.bursts
    }

    /// Latency percentile in milliseconds.
    pub fn latency_ms(&self, p: f64) -> Option<f64> {
        percentile(&self.latencies_us, p).map(|us| us as f64 / 1000.0)
    }
}

impl Report for PresenceReport {
    fn to_json(&self) -> Value {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let ms = |p: f64| self.latency_ms(p).map(round);
        json!({
            "scenario": "presence",
            "target": self.target,
            "watchers": self.watchers,
            "watcher_status": self.watcher_status,
            "changes": self.changes,
            "burst": self.burst,
            "pause_ms": self.pause_ms,
            "setup_s": round(self.setup.as_secs_f64()),
            "identify_s": round(self.identify.as_secs_f64()),
            "setup_updates": self.setup_updates,
            "sent": self.sent,
            "bursts": self.bursts,
            "handoffs": self.handoffs,
            "send_s": round(self.send_elapsed.as_secs_f64()),
            "actor_error": self.actor_error,
            "updates": self.updates,
            "updates_per_watcher": { "mean": round(self.updates_per_watcher()), "min": self.updates_min, "max": self.updates_max },
            "coalescing_ratio": (self.coalescing_ratio() * 10_000.0).round() / 10_000.0,
            "split": self.split,
            "repeats": self.repeats,
            "unindexed": self.unindexed,
            "others": self.others,
            "delivery_s": round(self.delivery_elapsed.as_secs_f64()),
            "updates_per_s": round(self.updates_per_sec()),
            "latency_ms": { "p50": ms(50.0), "p99": ms(99.0), "max": ms(100.0), "samples": self.latencies_us.len() },
            "expected_bursts": self.expected(),
            "missed_bursts": self.missed_bursts,
            "stale_watchers": self.stale_watchers,
            "closed_sessions": self.closed_sessions,
            "close_codes": self.close_codes,
        })
    }

    fn to_text(&self) -> String {
        let ms = |p: f64| self.latency_ms(p).map_or_else(|| "-".into(), |v| format!("{v:.1} ms"));
        let mut notes = String::new();
        if self.closed_sessions > 0 {
            let (n, codes) = (self.closed_sessions, &self.close_codes);
            notes += &format!("\n  closed:     {n} watchers closed by the server, codes {codes:?}");
        }
        if let Some(error) = &self.actor_error {
            notes += &format!("\n  actor:      stopped early: {error}");
        }
        format!(
            "presence: 1 actor, {} watchers ({}), {} changes in bursts of {}, {} ms pauses, against {}\n  \
             setup:      users registered and joined in {:.2} s; watchers identified in {:.2} s \
             (then {} dispatches per watcher before the first change)\n  \
             changes:    {} sent in {} bursts over {:.2} s ({} session handoffs)\n  \
             updates:    {} about the actor = {:.2} per watcher (min {}, max {}), coalescing ratio {:.3} \
             ({} split bursts, {} repeats); {} stray, {} about others\n  \
             delivered:  {:.0} updates/s (first change to last update, {:.2} s)\n  \
             latency:    burst's last change -> its update p50 {}, p99 {}, max {} ({} samples)\n  \
             losses:     {} of {} (watcher, burst) updates missing; {} watchers without the final status{notes}",
            self.watchers,
            self.watcher_status,
            self.changes,
            self.burst,
            self.pause_ms,
            self.target,
            self.setup.as_secs_f64(),
            self.identify.as_secs_f64(),
            self.setup_updates.checked_div(self.watchers).unwrap_or(0),
            self.sent,
            self.bursts,
            self.send_elapsed.as_secs_f64(),
            self.handoffs,
            self.updates,
            self.updates_per_watcher(),
            self.updates_min.unwrap_or(0),
            self.updates_max,
            self.coalescing_ratio(),
            self.split,
            self.repeats,
            self.unindexed,
            self.others,
            self.updates_per_sec(),
            self.delivery_elapsed.as_secs_f64(),
            ms(50.0),
            ms(99.0),
            ms(100.0),
            self.latencies_us.len(),
            self.missed_bursts,
            self.expected(),
            self.stale_watchers,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presence::Update;

    fn update(index: usize, at_ns: u64) -> Update {
        Update { index, status: status_of(index).into(), at_ns }
    }

    #[test]
    fn a_watcher_is_timed_per_burst_and_its_gaps_count_as_losses() {
        let clock = SendClock::new(6);
        (0..6).for_each(|i| clock.mark_sent(i));
        let mut report = PresenceReport { watchers: 2, sent: 6, bursts: 2, ..Default::default() };
        let full = WatcherOutcome {
            updates: vec![update(1, u64::MAX / 2), update(2, u64::MAX / 2), update(5, u64::MAX / 2)],
            ..Default::default()
        };
        let partial =
            WatcherOutcome { updates: vec![update(2, u64::MAX / 2), update(2, u64::MAX / 2)], ..Default::default() };

        report.add_watcher(&full, &[2, 5], &clock);
        report.add_watcher(&partial, &[2, 5], &clock);

        assert_eq!((report.updates, report.updates_min, report.updates_max), (5, Some(2), 3));
        assert_eq!((report.split, report.repeats), (1, 1));
        assert_eq!((report.latencies_us.len(), report.missed_bursts, report.stale_watchers), (3, 1, 1));
        assert_eq!(report.expected(), 4);
        assert!((report.coalescing_ratio() - 2.5 / 6.0).abs() < 1e-9);
    }
}
