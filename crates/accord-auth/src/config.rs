//! Auth settings (`[auth]` in `accord.toml`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Lifetime of an access token, in seconds (default 900: 15 minutes).
    pub access_token_ttl_secs: u64,
    /// How long a rotated refresh token may be presented once more and get the same new pair,
    /// for clients that lost the answer to a rotation (default 30 s).
    pub refresh_grace_secs: u64,
    /// A refresh token unused for this long expires (default 30 days).
    pub refresh_idle_secs: u64,
    /// A login session ends this long after login, whatever its use (default 90 days).
    pub session_max_age_secs: u64,
    /// Argon2id memory cost in KiB (default 19456, OWASP's minimum).
    pub argon2_memory_kib: u32,
    /// Argon2id iterations (default 2).
    pub argon2_iterations: u32,
    /// How long an emailed email-verification token stays valid, in seconds (default 86400: 24 hours).
    pub email_verification_ttl_secs: u64,
    /// How long an emailed password-reset token stays valid, in seconds (default 3600: 1 hour).
    pub password_reset_ttl_secs: u64,
    /// How long a login's two-factor ticket stays valid, in seconds (default 300: 5 minutes).
    pub mfa_ticket_ttl_secs: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            access_token_ttl_secs: 900,
            refresh_grace_secs: 30,
            refresh_idle_secs: 30 * 86_400,
            session_max_age_secs: 90 * 86_400,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            email_verification_ttl_secs: 86_400,
            password_reset_ttl_secs: 3_600,
            mfa_ticket_ttl_secs: 300,
        }
    }
}
