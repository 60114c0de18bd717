//! The ids of the events a reader gave out lately, so the other copies of an event (one per
//! topic) and the relay's republishes are given out once, in bounded memory.

use std::collections::{HashSet, VecDeque};

use accord_core::Snowflake;

/// Ids remembered. An event's copies are published back to back, so they lie close together
/// in the log; this many covers them with room to spare.
const REMEMBERED: usize = 1024;

#[derive(Debug, Default)]
pub(crate) struct RecentIds {
    ids: HashSet<Snowflake>,
    /// The same ids, oldest first, to forget them in order.
    order: VecDeque<Snowflake>,
}

impl RecentIds {
    /// Remembers `id`; false if it was already remembered (a repeat).
    pub(crate) fn insert(&mut self, id: Snowflake) -> bool {
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > REMEMBERED
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_is_refused_until_forgotten() {
        let id = |n| Snowflake::new(n).unwrap();
        let mut recent = RecentIds::default();
        assert!(recent.insert(id(1)));
        assert!(!recent.insert(id(1)));
        for n in 2..=REMEMBERED as u64 + 1 {
            assert!(recent.insert(id(n)));
        }
        assert!(recent.insert(id(1)), "the oldest id is forgotten");
        assert_eq!(recent.ids.len(), REMEMBERED);
    }
}
