//! A circuit breaker per upstream instance: after a run of failures the edge stops sending
//! it requests for a while, then lets one through to see whether it recovered.

use std::time::{Duration, Instant};

/// Failures in a row that open the circuit.
const TRIP_AFTER: u32 = 5;
/// How long an open circuit refuses requests before a trial.
const COOL_DOWN: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
pub struct Breaker {
    failures: u32,
    /// When the circuit opened; `None` while closed.
    opened_at: Option<Instant>,
    /// A trial request is out while half-open.
    trial: bool,
}

impl Breaker {
    /// Whether a request may go to this upstream now (taking the trial slot when half-open).
    pub fn allow(&mut self) -> bool {
        match self.opened_at {
            None => true,
            Some(at) if at.elapsed() >= COOL_DOWN && !self.trial => {
                self.trial = true;
                true
            }
            Some(_) => false,
        }
    }

    /// Whether it would allow a request, without taking the trial slot.
    pub fn is_open(&self) -> bool {
        self.opened_at.is_some_and(|at| at.elapsed() < COOL_DOWN || self.trial)
    }

    pub fn success(&mut self) {
        *self = Self::default();
    }

    pub fn failure(&mut self) {
        self.failures += 1;
        self.trial = false;
        if self.failures >= TRIP_AFTER || self.opened_at.is_some() {
            self.opened_at = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_failures_opens_the_circuit_and_a_success_closes_it() {
        let mut breaker = Breaker::default();
        for _ in 0..TRIP_AFTER - 1 {
            breaker.failure();
            assert!(breaker.allow());
        }
        breaker.failure();
        assert!(!breaker.allow());
        assert!(breaker.is_open());
        breaker.opened_at = Some(Instant::now() - COOL_DOWN);
        assert!(breaker.allow(), "one trial after the cool-down");
        assert!(!breaker.allow(), "only one");
        breaker.success();
        assert!(breaker.allow() && !breaker.is_open());
    }

    #[test]
    fn a_failed_trial_opens_the_circuit_again() {
        let mut breaker = Breaker::default();
        for _ in 0..TRIP_AFTER {
            breaker.failure();
        }
        breaker.opened_at = Some(Instant::now() - COOL_DOWN);
        assert!(breaker.allow());
        breaker.failure();
        assert!(!breaker.allow());
    }
}
