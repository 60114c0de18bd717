//! The breaker: once a call finds Redis unreachable, calls fail at once for [`BACKOFF`]
//! instead of each waiting out its own timeout; the first call after that tries Redis again.
//! So an outage costs callers no waiting (a session that reads presence for 100 guilds is not
//! held up 100 times), and a Redis that comes back is used again within a second.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long calls fail at once after Redis was found unreachable.
pub const BACKOFF: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct Breaker {
    /// The instant that `open_until` counts from.
    base: Instant,
    /// Until when calls fail at once, in ns after `base`; 0 while Redis answers. An atomic, as
    /// every call reads it.
    open_until: AtomicU64,
}

impl Default for Breaker {
    fn default() -> Self {
        Self { base: Instant::now(), open_until: AtomicU64::new(0) }
    }
}

impl Breaker {
    fn since_base(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.base).as_nanos()).unwrap_or(u64::MAX)
    }

    /// How much longer calls must fail at once, if they must.
    pub fn open_for(&self, now: Instant) -> Option<Duration> {
        let until = self.open_until.load(Ordering::Relaxed);
        let now = self.since_base(now);
        (until > now).then(|| Duration::from_nanos(until - now))
    }

    /// Redis was found unreachable at `now`.
    pub fn trip(&self, now: Instant) {
        self.open_until.store(self.since_base(now + BACKOFF), Ordering::Relaxed);
    }

    /// Redis answered.
    pub fn reset(&self) {
        if self.open_until.load(Ordering::Relaxed) != 0 {
            self.open_until.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trip_fails_calls_for_the_backoff_then_lets_one_try() {
        let breaker = Breaker::default();
        let now = Instant::now();
        assert_eq!(breaker.open_for(now), None, "closed at first");

        breaker.trip(now);

        assert_eq!(breaker.open_for(now), Some(BACKOFF));
        assert!(breaker.open_for(now + BACKOFF / 2).is_some());
        assert_eq!(breaker.open_for(now + BACKOFF), None, "a call may try again");
        breaker.trip(now);
        breaker.reset();
        assert_eq!(breaker.open_for(now), None, "an answer closes it");
    }
}
