//! Password rules (length 8..=1024 checked before hashing, a common-password list, no
//! composition rules, no truncation) and Argon2id hashing on the blocking pool.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};

use crate::AuthConfig;
use crate::error::AuthError;

pub const MIN_LEN: usize = 8;
/// Longer inputs are refused before hashing, so a huge password cannot tie up a core.
pub const MAX_LEN: usize = 1024;

/// The most common passwords, refused outright (compared case-insensitively).
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common-passwords.txt").lines().map(str::trim).filter(|l| !l.is_empty()).collect());

/// Checks a new password against the rules.
pub fn check_new(password: &str, username: &str) -> Result<(), AuthError> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(AuthError::WeakPassword("Must be at least 8 characters long."));
    }
    if password.len() > MAX_LEN {
        return Err(AuthError::WeakPassword("Must be at most 1024 bytes long."));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) || lower == username.to_lowercase() {
        return Err(AuthError::WeakPassword("Password is too common."));
    }
    Ok(())
}

/// Hashes and verifies with fixed Argon2id parameters.
pub struct Hasher {
    argon: Arc<Argon2<'static>>,
    /// A hash of a random password, verified against when the user is unknown, so unknown
    /// users and wrong passwords take the same time.
    dummy: String,
}

impl Hasher {
    pub fn new(config: &AuthConfig) -> Self {
        let params =
            Params::new(config.argon2_memory_kib.max(8), config.argon2_iterations.max(1), 1, None).unwrap_or_default();
        let argon = Arc::new(Argon2::new(Algorithm::Argon2id, Version::V0x13, params));
        let dummy_password = accord_core::token::new_refresh_token();
        let dummy = argon.hash_password(dummy_password.as_bytes()).map(|h| h.to_string()).unwrap_or_default();
        Self { argon, dummy }
    }

    /// Hashes on the blocking pool.
    pub async fn hash(&self, password: String) -> Result<String, AuthError> {
        let argon = self.argon.clone();
        tokio::task::spawn_blocking(move || argon.hash_password(password.as_bytes()).map(|h| h.to_string()))
            .await
            .map_err(|e| AuthError::Hashing(e.to_string()))?
            .map_err(|e| AuthError::Hashing(e.to_string()))
    }

    /// Verifies on the blocking pool; with no stored hash, burns the same time and fails.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        let argon = self.argon.clone();
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy.clone());
        let matched = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash).is_ok_and(|h| argon.verify_password(password.as_bytes(), &h).is_ok())
        })
        .await
        .unwrap_or(false);
        known && matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_reject_short_long_and_common_passwords() {
        assert!(check_new("short7!", "alice").is_err());
        assert!(check_new(&"x".repeat(1025), "alice").is_err());
        assert!(check_new("password123", "alice").is_err());
        assert!(check_new("Password123", "alice").is_err());
        assert!(check_new("alicealice", "alicealice").is_err());
        assert!(check_new("correct horse battery staple", "alice").is_ok());
        assert!(check_new(&"ü".repeat(8), "alice").is_ok());
    }

    #[tokio::test]
    async fn passwords_differing_after_byte_72_are_different() {
        let hasher = Hasher::new(&AuthConfig { argon2_memory_kib: 64, argon2_iterations: 1, ..Default::default() });
        let a = format!("{}a", "p".repeat(80));
        let b = format!("{}b", "p".repeat(80));
        let hash = hasher.hash(a.clone()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify(a, Some(hash.clone())).await);
        assert!(!hasher.verify(b, Some(hash)).await);
        assert!(!hasher.verify("anything".into(), None).await);
    }
}
