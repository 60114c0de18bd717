//! Speaking indicators from audio levels (RFC 6464, in each audio packet's header): a
//! participant speaks from the first packet louder than [`THRESHOLD_DBOV`] and stops after
//! [`HANG`] without one. Starting at once keeps the indicator within a packet (20 ms) of
//! speech; the hang keeps it from flickering between words.

use std::time::{Duration, Instant};

/// Louder than this is speech (0 is the loudest, -127 silence).
pub const THRESHOLD_DBOV: i8 = -50;
/// Quiet this long ends speaking.
pub const HANG: Duration = Duration::from_millis(400);

#[derive(Debug, Default)]
pub struct Speaking {
    last_loud: Option<Instant>,
    active: bool,
}

impl Speaking {
    pub fn active(&self) -> bool {
        self.active
    }

    /// Takes one packet's level; true when speaking just started.
    pub fn heard(&mut self, level: Option<i8>, now: Instant) -> bool {
        if level.is_none_or(|l| l <= THRESHOLD_DBOV) {
            return false;
        }
        self.last_loud = Some(now);
        !std::mem::replace(&mut self.active, true)
    }

    /// True when speaking just ended (quiet for [`HANG`], or silenced).
    pub fn lapse(&mut self, now: Instant, silenced: bool) -> bool {
        let quiet = self.last_loud.is_none_or(|t| now.duration_since(t) >= HANG);
        if self.active && (quiet || silenced) {
            self.active = false;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_starts_at_the_first_loud_packet_and_ends_after_the_hang() {
        let start = Instant::now();
        let mut s = Speaking::default();
        assert!(!s.heard(Some(-127), start));
        assert!(!s.heard(None, start));
        assert!(s.heard(Some(-30), start));
        assert!(!s.heard(Some(-20), start + Duration::from_millis(20)), "already speaking");
        assert!(!s.lapse(start + Duration::from_millis(300), false));
        assert!(s.lapse(start + Duration::from_millis(420), false));
        assert!(!s.active());
        assert!(s.heard(Some(-10), start + Duration::from_millis(500)));
        assert!(s.lapse(start + Duration::from_millis(501), true), "a server mute ends it at once");
    }
}
