//! Access tokens this process has verified, by the SHA-256 of their text. Every request
//! carries its token, and verifying it (base64, HMAC-SHA256, JSON claims, their checks) was
//! 4 % of a REST send's cycles; a digest and a map lookup answer the same for a token seen
//! before. What is kept is what verification decided and cannot change for the same text and
//! keys (the signature, audience, issuer and type); the expiry is checked again at each use,
//! and revocation, which belongs to the login session, is the caller's check as before. Keys
//! are digests, not tokens, so comparing them reveals nothing of a token through timing.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use super::AccessClaims;

/// Tokens remembered at most; when full, the map starts again empty and tokens are verified
/// afresh once each. Bounds memory whatever tokens clients present.
const CAPACITY: usize = 16_384;

/// The digest a token is remembered by.
pub(super) struct Key([u8; 32]);

impl Key {
    pub(super) fn of(token: &str) -> Key {
        Key(Sha256::digest(token.as_bytes()).into())
    }
}

#[derive(Default)]
pub(super) struct VerifiedTokens {
    claims: Mutex<HashMap<[u8; 32], AccessClaims>>,
}

impl VerifiedTokens {
    /// The claims of a token verified before, if it has not expired by `now_secs` (with
    /// `leeway` seconds, as verification allows).
    pub(super) fn get(&self, key: &Key, now_secs: u64, leeway: u64) -> Option<AccessClaims> {
        let claims = self.claims.lock().unwrap_or_else(PoisonError::into_inner);
        claims.get(&key.0).filter(|c| c.exp.saturating_add(leeway) >= now_secs).cloned()
    }

    /// Remembers a token that verified.
    pub(super) fn insert(&self, key: Key, verified: &AccessClaims) {
        let mut claims = self.claims.lock().unwrap_or_else(PoisonError::into_inner);
        if claims.len() >= CAPACITY {
            claims.clear();
        }
        claims.insert(key.0, verified.clone());
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.claims.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: u64) -> AccessClaims {
        AccessClaims {
            sub: "1".into(),
            sid: "2".into(),
            typ: "access".into(),
            aud: "accord-api".into(),
            iss: "accord".into(),
            iat: 0,
            exp,
        }
    }

    #[test]
    fn remembered_claims_expire_like_verified_ones() {
        let verified = VerifiedTokens::default();
        verified.insert(Key::of("t"), &claims(100));

        assert_eq!(verified.get(&Key::of("t"), 105, 5), Some(claims(100)));
        assert_eq!(verified.get(&Key::of("t"), 106, 5), None);
        assert_eq!(verified.get(&Key::of("other"), 50, 5), None);
    }

    #[test]
    fn memory_is_bounded_whatever_is_presented() {
        let verified = VerifiedTokens::default();
        for n in 0..CAPACITY + 10 {
            verified.insert(Key::of(&n.to_string()), &claims(100));
        }
        assert!(verified.len() <= CAPACITY, "{}", verified.len());
        assert!(verified.get(&Key::of(&(CAPACITY + 9).to_string()), 0, 5).is_some());
    }
}
