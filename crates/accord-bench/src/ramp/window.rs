//! One measured window of the ramp: the operations the users report, tallied by kind, with
//! their errors and latencies; its summary row; and the thresholds a window must hold.
//!
//! The rule: a window holds when (1) its errors are at most `--max-error-pct` percent of its
//! operations (every REST request, identify, reconnect and lost session counts as one
//! operation; a window without operations holds) — so with fewer than 100 / pct operations
//! (4,000 at 0.025 %) a single error breaks it; (2) the mean of its REST latencies is at most
//! `--max-mean-ms`; and (3) their 99th percentile is at most `--max-p99-ms`. Latency is judged
//! over the requests that got an answer; a window without REST requests holds (2) and (3).

use std::fmt;

use super::mix::Kind;
use crate::stats::percentile;

const KINDS: usize = Kind::ALL.len();

/// Why an operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// A 5xx answer.
    Server,
    /// Any other answer that is not 2xx (a 4xx, including 429).
    Refused,
    /// No answer: the connection failed.
    Transport,
    /// No answer within `--request-timeout` (or the gateway's wait).
    Timeout,
    /// A gateway session closed, invalidated or refused a resume.
    Gateway,
}

impl Cause {
    pub const ALL: [Cause; 5] = [Cause::Server, Cause::Refused, Cause::Transport, Cause::Timeout, Cause::Gateway];

    pub fn name(self) -> &'static str {
        match self {
            Cause::Server => "server",
            Cause::Refused => "refused",
            Cause::Transport => "transport",
            Cause::Timeout => "timeout",
            Cause::Gateway => "gateway",
        }
    }
}

/// One operation a user finished.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub kind: Kind,
    /// From its start to its answer (or failure), µs.
    pub latency_us: u64,
    /// Why it failed, and a description, if it did.
    pub error: Option<(Cause, String)>,
}

/// Operations tallied by kind: one window's, or the whole run's.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub ok: [u64; KINDS],
    pub failed: [u64; KINDS],
    /// Errors by [`Cause`], in [`Cause::ALL`] order.
    pub causes: [u64; 5],
    /// Latency of every REST request that got an answer, µs (unsorted until summarised).
    pub rest_us: Vec<u64>,
    /// Reconnects that resumed, drop to RESUMED, µs.
    pub reconnect_us: Vec<u64>,
    /// Identifies that succeeded, connect to GUILD_CREATE, µs.
    pub identify_us: Vec<u64>,
    pub first_error: Option<String>,
}

impl Tally {
    pub fn add(&mut self, sample: Sample) {
        let k = sample.kind.index();
        let answered = !matches!(&sample.error, Some((Cause::Transport | Cause::Timeout, _)));
        if sample.kind.is_rest() && answered {
            self.rest_us.push(sample.latency_us);
        }
        match sample.error {
            None => {
                self.ok[k] += 1;
                match sample.kind {
                    Kind::Reconnect => self.reconnect_us.push(sample.latency_us),
                    Kind::Identify => self.identify_us.push(sample.latency_us),
                    _ => {}
                }
            }
            Some((cause, what)) => {
                self.failed[k] += 1;
                self.causes[Cause::ALL.iter().position(|&c| c == cause).unwrap_or(0)] += 1;
                self.first_error.get_or_insert_with(|| format!("{}: {what}", sample.kind.name()));
            }
        }
    }

    /// Adds `other`'s counts and samples to these.
    pub fn absorb(&mut self, other: Tally) {
        for k in 0..KINDS {
            self.ok[k] += other.ok[k];
            self.failed[k] += other.failed[k];
        }
        for (mine, theirs) in self.causes.iter_mut().zip(other.causes) {
            *mine += theirs;
        }
        self.rest_us.extend(other.rest_us);
        self.reconnect_us.extend(other.reconnect_us);
        self.identify_us.extend(other.identify_us);
        self.first_error = self.first_error.take().or(other.first_error);
    }

    /// Its counts, without the latency samples.
    pub fn counts(&self) -> Tally {
        Tally {
            ok: self.ok,
            failed: self.failed,
            causes: self.causes,
            first_error: self.first_error.clone(),
            ..Tally::default()
        }
    }

    pub fn operations(&self) -> u64 {
        self.ok.iter().sum::<u64>() + self.errors()
    }

    pub fn errors(&self) -> u64 {
        self.failed.iter().sum()
    }

    /// Succeeded operations of `kind`.
    pub fn ok_of(&self, kind: Kind) -> u64 {
        self.ok[kind.index()]
    }

    /// Failed operations of `kind`.
    pub fn failed_of(&self, kind: Kind) -> u64 {
        self.failed[kind.index()]
    }

    /// Sorts the latency samples, for percentiles.
    pub fn sort(&mut self) {
        self.rest_us.sort_unstable();
        self.reconnect_us.sort_unstable();
        self.identify_us.sort_unstable();
    }
}

/// The REST latency of a window (or run), in ms.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Latency {
    pub requests: u64,
    pub mean_ms: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl Latency {
    /// Summarises `sorted_us`.
    pub fn of(sorted_us: &[u64]) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        let mean = (!sorted_us.is_empty()).then(|| ms(sorted_us.iter().sum::<u64>()) / sorted_us.len() as f64);
        Self {
            requests: sorted_us.len() as u64,
            mean_ms: mean,
            p50_ms: percentile(sorted_us, 50.0).map(ms),
            p99_ms: percentile(sorted_us, 99.0).map(ms),
        }
    }
}

/// The limits every window must hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub max_error_pct: f64,
    pub max_mean_ms: f64,
    pub max_p99_ms: f64,
}

/// A threshold a window broke.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Breach {
    Errors { errors: u64, operations: u64 },
    Mean { ms: f64 },
    P99 { ms: f64 },
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Breach::Errors { errors, operations } => write!(f, "{errors} errors in {operations} operations"),
            Breach::Mean { ms } => write!(f, "mean latency {ms:.1} ms"),
            Breach::P99 { ms } => write!(f, "p99 latency {ms:.1} ms"),
        }
    }
}

impl Thresholds {
    /// The thresholds `tally` (with `latency`, its REST latency) breaks; none when it holds.
    pub fn check(&self, tally: &Tally, latency: &Latency) -> Vec<Breach> {
        let mut breaches = Vec::new();
        let (errors, operations) = (tally.errors(), tally.operations());
        if errors as f64 * 100.0 > self.max_error_pct * operations as f64 {
            breaches.push(Breach::Errors { errors, operations });
        }
        if let Some(ms) = latency.mean_ms.filter(|&ms| ms > self.max_mean_ms) {
            breaches.push(Breach::Mean { ms });
        }
        if let Some(ms) = latency.p99_ms.filter(|&ms| ms > self.max_p99_ms) {
            breaches.push(Breach::P99 { ms });
        }
        breaches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MATTERMOST: Thresholds = Thresholds { max_error_pct: 0.025, max_mean_ms: 100.0, max_p99_ms: 2000.0 };

    fn ok(kind: Kind, ms: u64) -> Sample {
        Sample { kind, latency_us: ms * 1000, error: None }
    }

    fn tallied(samples: impl IntoIterator<Item = Sample>) -> (Tally, Latency) {
        let mut tally = Tally::default();
        samples.into_iter().for_each(|s| tally.add(s));
        tally.sort();
        let latency = Latency::of(&tally.rest_us);
        (tally, latency)
    }

    #[test]
    fn a_quiet_fast_window_holds() {
        let (tally, latency) = tallied((0..100).map(|i| ok(Kind::SwitchChannel, 5 + i % 10)));
        assert_eq!((latency.requests, latency.p50_ms, latency.p99_ms), (100, Some(9.0), Some(14.0)));
        assert!(MATTERMOST.check(&tally, &latency).is_empty());
        let (empty, none) = tallied([]);
        assert!(MATTERMOST.check(&empty, &none).is_empty(), "a window without operations holds");
    }

    #[test]
    fn one_error_breaks_a_window_of_fewer_than_4000_operations_but_not_a_larger_one() {
        let failed = Sample { kind: Kind::CreatePost, latency_us: 1, error: Some((Cause::Server, "500".into())) };
        let (small, latency) = tallied((0..3_000).map(|_| ok(Kind::ScrollChannel, 1)).chain([failed.clone()]));
        assert_eq!(MATTERMOST.check(&small, &latency), vec![Breach::Errors { errors: 1, operations: 3_001 }]);
        let (large, latency) = tallied((0..4_000).map(|_| ok(Kind::ScrollChannel, 1)).chain([failed]));
        assert!(MATTERMOST.check(&large, &latency).is_empty(), "1 in 4001 is under 0.025 %");
        assert_eq!((large.causes[0], large.failed_of(Kind::CreatePost), large.rest_us.len()), (1, 1, 4_001));
        assert_eq!(large.first_error.as_deref(), Some("create_post: 500"));
    }

    #[test]
    fn slow_means_and_tails_break_their_thresholds() {
        let (tally, latency) = tallied((0..100).map(|i| ok(Kind::SwitchChannel, if i < 2 { 3_000 } else { 50 })));
        assert_eq!(MATTERMOST.check(&tally, &latency), vec![Breach::Mean { ms: 109.0 }, Breach::P99 { ms: 3000.0 }]);
    }

    #[test]
    fn unanswered_requests_and_gateway_kinds_count_as_operations_without_latency() {
        let timeout =
            Sample { kind: Kind::SwitchChannel, latency_us: 10_000_000, error: Some((Cause::Timeout, "".into())) };
        let (mut run, _) = tallied([ok(Kind::Reconnect, 20), ok(Kind::Identify, 30), timeout]);
        assert_eq!((run.operations(), run.errors(), run.rest_us.len()), (3, 1, 0));
        assert_eq!((run.reconnect_us.clone(), run.identify_us.clone()), (vec![20_000], vec![30_000]));
        let (window, _) = tallied([ok(Kind::Typing, 1)]);
        run.absorb(window);
        assert_eq!((run.operations(), run.ok_of(Kind::Typing), run.causes[3]), (4, 1, 1));
    }
}
