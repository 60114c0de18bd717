//! TOTP (RFC 6238) as authenticator apps do it: HMAC-SHA-1, 6 digits, 30-second steps,
//! accepting the previous and next step for clock drift; secrets in base32 (RFC 4648, no
//! padding, any case). Recovery codes: 8 random lowercase letters and digits, stored by
//! SHA-256.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Steps accepted on either side of the current one.
pub const SKEW: u64 = 1;
/// A secret of fewer bits than this is refused (Discord's clients send 80-bit secrets).
pub const MIN_SECRET_BYTES: usize = 10;
/// Nor longer than this (SHA-1's block is 64 bytes).
pub const MAX_SECRET_BYTES: usize = 64;
/// How many recovery codes enabling hands out.
pub const RECOVERY_CODES: usize = 10;

/// Decodes base32 (RFC 4648 alphabet, case-insensitive, spaces and `=` padding ignored).
pub fn decode_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !matches!(c, ' ' | '=')) {
        let value = match c.to_ascii_uppercase() {
            upper @ 'A'..='Z' => upper as u32 - 'A' as u32,
            digit @ '2'..='7' => digit as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The code of `step` for `key` (RFC 4226's dynamic truncation), zero-padded.
pub fn code_at(key: &[u8], step: u64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:0width$}", bin % 10u32.pow(DIGITS as u32), width = DIGITS)
}

/// The step of Unix time `now_secs`.
pub fn step_of(now_secs: u64) -> u64 {
    now_secs / STEP_SECS
}

/// The step within ±[`SKEW`] of `now_secs` whose code is `code`, if any (compared in
/// constant time per step). The caller must still refuse a step already used.
pub fn matching_step(key: &[u8], code: &str, now_secs: u64) -> Option<u64> {
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(now_secs);
    let mut found = None;
    for step in now.saturating_sub(SKEW)..=now + SKEW {
        let expected = code_at(key, step);
        let same = expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// Fresh recovery codes: 8 characters of `a-z0-9` each (about 41 bits).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| (0..8).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect())
        .collect()
}

/// A recovery code as the user may type it: lowercase, without spaces or dashes.
pub fn normalize_recovery_code(code: &str) -> String {
    code.chars().filter(|c| !matches!(c, ' ' | '-')).flat_map(char::to_lowercase).collect()
}

/// What is stored of a recovery code: the SHA-256 of its normal form, hex.
pub fn hash_recovery_code(code: &str) -> String {
    Sha256::digest(normalize_recovery_code(code).as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 key, "12345678901234567890".
    const RFC_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_rfc_6238_test_vectors() {
        // The RFC's 8-digit values, of which a 6-digit code is the last six digits.
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at(RFC_KEY, step_of(time)), eight[2..], "at {time}");
        }
    }

    #[test]
    fn base32_decodes_the_rfc_4648_alphabet_in_any_case() {
        assert_eq!(decode_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").as_deref(), Some(RFC_KEY));
        assert_eq!(decode_base32("gezdgnbvgy3tqojq gezdgnbvgy3tqojq").as_deref(), Some(RFC_KEY));
        assert_eq!(decode_base32("MZXW6===").as_deref(), Some(b"foo".as_slice()));
        assert_eq!(decode_base32("not base32!"), None);
        assert_eq!(decode_base32("ABC1"), None, "1 is not in the alphabet");
    }

    #[test]
    fn a_code_matches_within_one_step_either_way() {
        let now = 1_111_111_111;
        let code = code_at(RFC_KEY, step_of(now));
        assert_eq!(matching_step(RFC_KEY, &code, now), Some(step_of(now)));
        assert_eq!(matching_step(RFC_KEY, &code, now + 30), Some(step_of(now)), "a step late");
        assert_eq!(matching_step(RFC_KEY, &code, now - 30), Some(step_of(now)), "a step early");
        assert_eq!(matching_step(RFC_KEY, &code, now + 90), None, "three steps late");
        assert_eq!(matching_step(RFC_KEY, "12345", now), None);
        assert_eq!(matching_step(RFC_KEY, "12345a", now), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_in_their_normal_form() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| c.len() == 8 && c.bytes().all(|b| b.is_ascii_alphanumeric())));
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        assert_eq!(hash_recovery_code("ABCD-efgh"), hash_recovery_code("abcdefgh"));
        assert_eq!(hash_recovery_code("abcdefgh").len(), 64);
    }
}
