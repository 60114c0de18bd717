//! Which of a simulcast track's declared layers are arriving. A sender may declare layers it
//! does not send (a browser drops the top layer of a small capture), so receivers are given
//! only layers heard from lately. Until the track has been heard for a moment, every declared
//! layer counts: its layers' first packets arrive one after another, and receivers should not
//! be switched through each of them.

use std::time::{Duration, Instant};

use str0m::media::Rid;

/// A layer unheard this long is taken as stopped.
const LIVE_FOR: Duration = Duration::from_millis(1500);
/// How long after the track's first packet every declared layer still counts.
const SETTLING: Duration = Duration::from_millis(500);

#[derive(Debug, Default)]
pub struct LayerArrival {
    /// When each layer was last heard.
    heard: Vec<(Rid, Instant)>,
    first: Option<Instant>,
    /// The declared layers heard within `LIVE_FOR` at the last packet, lowest first; empty
    /// while settling.
    live: Vec<Rid>,
}

impl LayerArrival {
    /// Records a packet of `rid`; true when the set of live layers changed (a layer started
    /// or stopped arriving), so receivers should be given a layer anew.
    pub fn heard(&mut self, rid: Rid, declared: &[Rid], now: Instant) -> bool {
        match self.heard.iter_mut().find(|(r, _)| *r == rid) {
            Some((_, at)) => *at = now,
            None => self.heard.push((rid, now)),
        }
        if now.duration_since(*self.first.get_or_insert(now)) < SETTLING {
            return false;
        }
        let live: Vec<Rid> = declared
            .iter()
            .copied()
            .filter(|r| self.heard.iter().any(|(h, at)| h == r && now.duration_since(*at) < LIVE_FOR))
            .collect();
        let changed = live != self.live;
        self.live = live;
        changed
    }

    /// The layers to choose among, lowest first.
    pub fn live<'a>(&'a self, declared: &'a [Rid]) -> &'a [Rid] {
        if self.live.is_empty() { declared } else { &self.live }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared() -> Vec<Rid> {
        vec!["q".into(), "h".into(), "f".into()]
    }

    #[test]
    fn before_any_packet_every_declared_layer_counts() {
        let arrival = LayerArrival::default();
        assert_eq!(arrival.live(&declared()), declared().as_slice());
    }

    #[test]
    fn after_settling_only_layers_heard_lately_count_and_changes_are_reported() {
        let (mut arrival, start) = (LayerArrival::default(), Instant::now());
        assert!(!arrival.heard("q".into(), &declared(), start));
        assert!(!arrival.heard("h".into(), &declared(), start), "layers arriving one by one change nothing");
        assert_eq!(arrival.live(&declared()), declared().as_slice(), "settling: every declared layer");

        let settled = start + Duration::from_millis(600);
        assert!(arrival.heard("q".into(), &declared(), settled), "the top layer never arrived");
        let q_and_h: Vec<Rid> = vec!["q".into(), "h".into()];
        assert_eq!(arrival.live(&declared()), q_and_h.as_slice());
        assert!(!arrival.heard("h".into(), &declared(), settled), "nothing new");

        let later = settled + Duration::from_secs(2);
        assert!(arrival.heard("q".into(), &declared(), later), "h stopped arriving");
        let q: Vec<Rid> = vec!["q".into()];
        assert_eq!(arrival.live(&declared()), q.as_slice());
        assert!(arrival.heard("f".into(), &declared(), later), "f started");
        let q_and_f: Vec<Rid> = vec!["q".into(), "f".into()];
        assert_eq!(arrival.live(&declared()), q_and_f.as_slice());
    }
}
