//! Discord-style snowflake ids: 42 bits of milliseconds since 2015-01-01, 10 bits of worker id,
//! 12 bits of sequence. Ids are never zero and are written as decimal strings on the wire.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Discord's epoch, 2015-01-01T00:00:00Z, in Unix milliseconds.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// A non-zero snowflake id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Snowflake(u64);

impl Snowflake {
    /// Wraps a raw value; `None` for zero or for values that do not fit SQL's signed 64 bits.
    pub fn new(raw: u64) -> Option<Self> {
        (raw != 0 && raw <= i64::MAX as u64).then_some(Self(raw))
    }

    pub fn get(self) -> u64 {
        self.0
    }

    /// The id as SQL stores it.
    pub fn as_i64(self) -> i64 {
        self.0 as i64
    }

    /// Reads an id back from SQL; ids are only ever written by [`Snowflake::as_i64`].
    pub fn from_i64(raw: i64) -> Self {
        Self(raw as u64)
    }

    /// Unix milliseconds at which the id was made.
    pub fn timestamp_ms(self) -> u64 {
        (self.0 >> 22) + DISCORD_EPOCH_MS
    }

    /// The smallest id that could have been made at `unix_ms`, for pagination by time.
    pub fn floor_at(unix_ms: u64) -> u64 {
        unix_ms.saturating_sub(DISCORD_EPOCH_MS) << 22
    }
}

impl fmt::Debug for Snowflake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for Snowflake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a string is not an id.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a valid snowflake id")]
pub struct InvalidSnowflake;

impl FromStr for Snowflake {
    type Err = InvalidSnowflake;

    /// Accepts only canonical decimal: no sign, no leading zeros, no exponent, no overflow.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || s.len() > 19 || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidSnowflake);
        }
        s.parse::<u64>().ok().and_then(Snowflake::new).ok_or(InvalidSnowflake)
    }
}

impl Serialize for Snowflake {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Snowflake {
    /// Strings are the wire form; integers are accepted too, as Discord does.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw<'a> {
            Str(&'a str),
            Owned(String),
            Int(u64),
        }
        let parsed = match Raw::deserialize(d)? {
            Raw::Str(s) => s.parse().ok(),
            Raw::Owned(s) => s.parse().ok(),
            Raw::Int(n) => Snowflake::new(n),
        };
        parsed.ok_or_else(|| serde::de::Error::custom("invalid snowflake id"))
    }
}

/// Makes unique ids for one worker. Worker ids keep nodes of a cluster from colliding.
#[derive(Debug)]
pub struct SnowflakeGenerator {
    worker: u64,
    /// Last (millisecond, sequence) handed out; a mutex because ids are made from many tasks.
    last: Mutex<(u64, u64)>,
}

impl SnowflakeGenerator {
    /// `worker` is taken modulo 1024.
    pub fn new(worker: u16) -> Self {
        Self { worker: u64::from(worker) & 0x3ff, last: Mutex::new((0, 0)) }
    }

    /// The next id. If the clock goes backwards, ids keep counting from the last time seen.
    pub fn next(&self) -> Snowflake {
        let now = crate::time::now_ms().saturating_sub(DISCORD_EPOCH_MS);
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let (mut ms, mut seq) = *last;
        if now > ms {
            ms = now;
            seq = 0;
        } else {
            seq += 1;
            if seq > 0xfff {
                ms += 1;
                seq = 0;
            }
        }
        *last = (ms, seq);
        Snowflake((ms << 22) | (self.worker << 12) | seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_increasing_and_carry_their_time() {
        let g = SnowflakeGenerator::new(3);
        let before = crate::time::now_ms();
        let ids: Vec<_> = (0..10_000).map(|_| g.next()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids[0].timestamp_ms() >= before);
        assert_eq!((ids[0].get() >> 12) & 0x3ff, 3);
    }

    #[test]
    fn only_canonical_decimal_parses() {
        assert_eq!("175928847299117063".parse::<Snowflake>().map(Snowflake::get), Ok(175928847299117063));
        for bad in ["", "0", "-1", "1e3", "0123", "18446744073709551616", "9223372036854775808", " 1", "abc"] {
            assert!(bad.parse::<Snowflake>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn serializes_as_string_and_reads_strings_or_integers() {
        let id = Snowflake::new(42).unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"42\"");
        assert_eq!(serde_json::from_str::<Snowflake>("\"42\"").unwrap(), id);
        assert_eq!(serde_json::from_str::<Snowflake>("42").unwrap(), id);
        assert!(serde_json::from_str::<Snowflake>("\"0\"").is_err());
    }
}
