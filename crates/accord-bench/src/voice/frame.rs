//! An audio frame's payload: when it was sent, by whom and its sequence number, then filler
//! derived from those, so a receiver can tell whose frame it got and that it arrived intact.
//! The SFU never decodes Opus, so any bytes do.

/// Bytes of the stamp at the start of every payload.
pub const HEADER: usize = 16;

/// What a frame says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Nanoseconds after the run's common start at which the frame was handed to its sender.
    pub sent_ns: u64,
    /// The sending participant's index in the run.
    pub sender: u32,
    /// The frame's number among its sender's frames.
    pub seq: u32,
}

/// The payload of `len` bytes (at least [`HEADER`]) carrying `stamp`.
pub fn encode(stamp: Stamp, len: usize) -> Vec<u8> {
    let mut payload = Vec::with_capacity(len.max(HEADER));
    payload.extend(stamp.sent_ns.to_le_bytes());
    payload.extend(stamp.sender.to_le_bytes());
    payload.extend(stamp.seq.to_le_bytes());
    payload.extend((HEADER..len).map(|i| filler(stamp, i)));
    payload
}

/// The stamp of a payload that is `len` bytes long with the filler its stamp implies; `None`
/// for anything else (a truncated, padded or altered frame).
pub fn decode(payload: &[u8], len: usize) -> Option<Stamp> {
    if payload.len() != len.max(HEADER) {
        return None;
    }
    let word = |at: usize| u32::from_le_bytes(payload[at..at + 4].try_into().expect("four bytes"));
    let sent_ns = u64::from_le_bytes(payload[..8].try_into().expect("eight bytes"));
    let stamp = Stamp { sent_ns, sender: word(8), seq: word(12) };
    payload[HEADER..].iter().enumerate().all(|(i, &b)| b == filler(stamp, HEADER + i)).then_some(stamp)
}

/// Byte `i` of a payload stamped `stamp`.
fn filler(stamp: Stamp, i: usize) -> u8 {
    (stamp.seq as usize).wrapping_mul(31).wrapping_add(stamp.sender as usize * 7).wrapping_add(i) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_reads_back_its_stamp_and_nothing_altered_does() {
        let stamp = Stamp { sent_ns: 1_234_567_890_123, sender: 41, seq: 499 };
        let payload = encode(stamp, 80);
        assert_eq!(payload.len(), 80);
        assert_eq!(decode(&payload, 80), Some(stamp));
        assert_eq!(decode(&payload[..79], 80), None, "truncated");
        let mut altered = payload.clone();
        altered[50] ^= 1;
        assert_eq!(decode(&altered, 80), None, "a flipped bit");
        assert_eq!(decode(&encode(stamp, 16), 16), Some(stamp), "header only");
    }
}
