//! Proving, for a sensitive change, that the caller is the account holder: their current
//! password, and their second factor when it is on. A TOTP code is accepted once (its step
//! is recorded atomically, so a replay within the same 30 seconds fails); a recovery code
//! is accepted once, ever.

use accord_core::Snowflake;
use accord_core::time::now_ms;
use accord_store::security::{Revocation, TotpRecord};

use crate::AuthState;
use crate::error::AuthError;
use crate::{password, totp};

impl AuthState {
    /// Checks `candidate` against the user's password (the same work whatever the outcome).
    pub async fn check_password(&self, user_id: Snowflake, candidate: &str) -> Result<(), AuthError> {
        if candidate.len() > password::MAX_LEN {
            return Err(AuthError::PasswordMismatch);
        }
        let stored = self.ctx.store.password_hash(user_id).await?;
        if self.hasher.verify(candidate.to_owned(), stored).await { Ok(()) } else { Err(AuthError::PasswordMismatch) }
    }

    /// With TOTP on, requires `code` to be a valid, unused TOTP or recovery code; with it
    /// off, accepts anything.
    pub async fn check_second_factor(&self, user_id: Snowflake, code: Option<&str>) -> Result<(), AuthError> {
        let Some(record) = self.ctx.store.totp(user_id).await? else { return Ok(()) };
        let code = code.filter(|c| !c.trim().is_empty()).ok_or(AuthError::TwoFactorRequired)?;
        self.use_code(&record, code).await
    }

    /// Uses `code`: a 6-digit TOTP code of a step not used before, or an unused recovery code.
    pub async fn use_code(&self, record: &TotpRecord, code: &str) -> Result<(), AuthError> {
        let store = &self.ctx.store;
        let code = code.trim();
        if code.len() > 64 {
            return Err(AuthError::InvalidTwoFactorCode);
        }
        let accepted = if code.len() == totp::DIGITS && code.bytes().all(|b| b.is_ascii_digit()) {
            let key = totp::decode_base32(&record.secret).unwrap_or_default();
            match totp::matching_step(&key, code, now_ms() / 1000) {
                Some(step) => store.use_totp_step(record.user_id, step).await?,
                None => false,
            }
        } else {
            store.use_recovery_code(record.user_id, &totp::hash_recovery_code(code)).await?
        };
        if accepted { Ok(()) } else { Err(AuthError::InvalidTwoFactorCode) }
    }

    /// A revocation of the user's sessions but `keep`, with a fresh event id.
    pub fn revocation(&self, user_id: Snowflake, keep: Option<Snowflake>) -> Revocation {
        Revocation { user_id, keep, event_id: self.ctx.next_id() }
    }
}
