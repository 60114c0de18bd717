//! When each event of a run was sent, read by the sender and every reader of this process, so
//! latencies are differences of one monotonic clock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// When each event (message, presence change) was sent.
pub struct SendClock {
    /// The instant all times are counted from.
    pub base: Instant,
    /// Nanoseconds after `base` plus one at which event `i` was sent; 0 while unsent.
    sent_ns: Vec<AtomicU64>,
}

impl SendClock {
    pub fn new(events: usize) -> Self {
        Self::since(Instant::now(), events)
    }

    /// A clock counting from `base`, so several clocks' times compare.
    pub fn since(base: Instant, events: usize) -> Self {
        Self { base, sent_ns: (0..events).map(|_| AtomicU64::new(0)).collect() }
    }

    /// Nanoseconds since `base`.
    pub fn now_ns(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Records that event `i` is being sent now.
    pub fn mark_sent(&self, i: usize) {
        self.sent_ns[i].store(self.now_ns() + 1, Ordering::Relaxed);
    }

    /// When event `i` was sent, in nanoseconds since `base`.
    pub fn sent_at(&self, i: usize) -> Option<u64> {
        let stored = self.sent_ns.get(i)?.load(Ordering::Relaxed);
        stored.checked_sub(1)
    }

    pub fn len(&self) -> usize {
        self.sent_ns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sent_ns.is_empty()
    }
}
