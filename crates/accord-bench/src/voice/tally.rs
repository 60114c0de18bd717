//! Counting what each participant received: every frame of each of its channel's other
//! participants once, intact, labelled with its sender, and nothing from anyone else; and the
//! latency of each from its stamp.

use std::time::Instant;

use accord_client::voice::Received;

use super::frame::decode;

/// Losses described one (receiver, sender) pair at a time, at most this many.
const LOSS_EXAMPLES: usize = 5;

/// Who sent what: the run's participants, channel by channel.
pub struct Roster<'a> {
    /// Participants per channel; participant `i` is in channel `i / per_channel`.
    pub per_channel: usize,
    /// Each participant's user id.
    pub user_ids: &'a [String],
    /// Frames each participant sent.
    pub frames: u32,
    /// Bytes per frame.
    pub bytes: usize,
    /// The instant the stamps count from.
    pub t0: Instant,
    /// The end of the load window.
    pub window_end: Instant,
}

/// What every receiver got, added up.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Frames every receiver should get: each of its channel's other participants' frames.
    pub expected: u64,
    /// Frames received, repeats and strays included.
    pub received: u64,
    /// Distinct expected frames received.
    pub unique: u64,
    pub duplicates: u64,
    /// Intact frames from a participant outside the receiver's channel, or its own.
    pub misrouted: u64,
    /// Frames whose payload is not one the bench sent (truncated or altered).
    pub corrupt: u64,
    /// Expected frames the receiver's track list attributes to another user.
    pub mislabeled: u64,
    /// Frames received before the load window ended.
    pub in_window: u64,
    /// (receiver, sender) pairs, those missing some frames and those missing all.
    pub pairs: u64,
    pub pairs_short: u64,
    pub pairs_silent: u64,
    /// A few of the pairs with losses, described.
    pub loss_examples: Vec<String>,
    /// Send-to-receive latency of every distinct frame, in microseconds (sorted by [`Self::finish`]).
    pub latencies_us: Vec<u64>,
}

impl Tally {
    /// Adds what participant `receiver` got.
    pub fn add_receiver(&mut self, receiver: usize, received: &[Received], roster: &Roster<'_>) {
        let n = roster.per_channel;
        let first = receiver / n * n;
        let frames = roster.frames as usize;
        let mut seen = vec![vec![false; frames]; n];
        for frame in received {
            self.received += 1;
            self.in_window += u64::from(frame.at <= roster.window_end);
            let Some(stamp) = decode(&frame.data, roster.bytes) else {
                self.corrupt += 1;
                continue;
            };
            let sender = stamp.sender as usize;
            if !(first..first + n).contains(&sender) || sender == receiver || stamp.seq as usize >= frames {
                self.misrouted += 1;
                continue;
            }
            self.mislabeled += u64::from(frame.user_id.as_deref() != Some(roster.user_ids[sender].as_str()));
            if std::mem::replace(&mut seen[sender - first][stamp.seq as usize], true) {
                self.duplicates += 1;
                continue;
            }
            self.unique += 1;
            let sent_ns = u128::from(stamp.sent_ns);
            let latency_ns = frame.at.saturating_duration_since(roster.t0).as_nanos().saturating_sub(sent_ns);
            self.latencies_us.push(u64::try_from(latency_ns / 1000).unwrap_or(u64::MAX));
        }
        for (slot, got) in seen.iter().enumerate().filter(|&(slot, _)| first + slot != receiver) {
            self.expected += frames as u64;
            self.pairs += 1;
            let missing: Vec<usize> = (0..frames).filter(|&seq| !got[seq]).collect();
            if missing.is_empty() {
                continue;
            }
            if missing.len() == frames {
                self.pairs_silent += 1;
            } else {
                self.pairs_short += 1;
            }
            if self.loss_examples.len() < LOSS_EXAMPLES {
                self.loss_examples.push(describe(receiver, first + slot, &missing, frames));
            }
        }
    }

    /// Sorts the latencies; call once every receiver is added.
    pub fn finish(&mut self) {
        self.latencies_us.sort_unstable();
    }

    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.unique)
    }

    /// Lost frames in percent of those expected.
    pub fn loss_pct(&self) -> f64 {
        if self.expected == 0 { 0.0 } else { self.lost() as f64 * 100.0 / self.expected as f64 }
    }
}

/// `receiver 5 <- sender 4: 12 of 500 missing, seq 0..3, 250, ...`
fn describe(receiver: usize, sender: usize, missing: &[usize], frames: usize) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &seq in missing {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == seq => *end = seq,
            _ => runs.push((seq, seq)),
        }
    }
    let shown: Vec<String> =
        runs.iter().take(4).map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}..={b}") }).collect();
    let more = if runs.len() > 4 { ", ..." } else { "" };
    format!(
        "receiver {receiver} <- sender {sender}: {} of {frames} missing, seq {}{more}",
        missing.len(),
        shown.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voice::frame::{Stamp, encode};
    use std::time::Duration;

    fn frame(sender: u32, seq: u32, user: &str, t0: Instant) -> Received {
        let data = encode(Stamp { sent_ns: 1_000_000, sender, seq }, 40);
        Received { user_id: Some(user.into()), kind: Some("audio".into()), data, at: t0 + Duration::from_millis(3) }
    }

    #[test]
    fn a_receiver_is_checked_against_its_own_channel() {
        let t0 = Instant::now();
        let users: Vec<String> = (0..6).map(|i| format!("u{i}")).collect();
        let roster = Roster {
            per_channel: 3,
            user_ids: &users,
            frames: 4,
            bytes: 40,
            t0,
            window_end: t0 + Duration::from_secs(1),
        };
        // Receiver 4 (channel 1, with 3 and 5): all of 3's, 5's but seq 2, a repeat, a stray
        // from channel 0, its own echo, a mislabelled frame and a corrupt one.
        let mut got: Vec<Received> = (0..4).map(|s| frame(3, s, "u3", t0)).collect();
        got.extend([0, 1, 3].map(|s| frame(5, s, "u5", t0)));
        got.push(frame(3, 0, "u3", t0));
        got.push(frame(0, 0, "u0", t0));
        got.push(frame(4, 0, "u4", t0));
        got[0].user_id = Some("u5".into());
        let mut corrupt = frame(5, 3, "u5", t0);
        corrupt.data.pop();
        got.push(corrupt);

        let mut tally = Tally::default();
        tally.add_receiver(4, &got, &roster);
        tally.finish();

        assert_eq!((tally.expected, tally.unique, tally.lost(), tally.duplicates), (8, 7, 1, 1));
        assert_eq!((tally.misrouted, tally.corrupt, tally.mislabeled), (2, 1, 1));
        assert_eq!((tally.received, tally.in_window), (11, 11));
        assert_eq!((tally.pairs, tally.pairs_short, tally.pairs_silent), (2, 1, 0));
        assert_eq!(tally.loss_examples, ["receiver 4 <- sender 5: 1 of 4 missing, seq 2"]);
        assert_eq!(tally.latencies_us, [2000; 7]);
        assert!((tally.loss_pct() - 12.5).abs() < 1e-9);
    }
}
