//! The voice token of VOICE_SERVER_UPDATE: a short-lived signed grant that lets its holder
//! open a media connection for one voice state on the voice node.

use accord_core::Snowflake;
use accord_core::token::{TokenError, TokenKeys};
use serde::{Deserialize, Serialize};

/// What the token grants; signed, so the voice node trusts it without a lookup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VoiceGrant {
    pub user_id: Snowflake,
    /// The guild, or the private channel of a call.
    pub scope: Snowflake,
    pub guild_id: Option<Snowflake>,
    pub channel_id: Snowflake,
    /// The voice state's session id: a connection for a state that was replaced is refused.
    pub session_id: String,
    /// Unix seconds after which the token no longer opens a connection.
    pub expires: u64,
}

const PURPOSE: &str = "voice";

impl VoiceGrant {
    pub fn sign(&self, keys: &TokenKeys) -> String {
        keys.sign_grant(PURPOSE, &serde_json::to_vec(self).expect("grants serialise"))
    }

    /// The grant of a token that `keys` signed and that has not expired at `now_secs`.
    pub fn verify(keys: &TokenKeys, token: &str, now_secs: u64) -> Result<Self, TokenError> {
        let payload = keys.verify_grant(PURPOSE, token)?;
        let grant: Self = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
        if now_secs >= grant.expires {
            return Err(TokenError::Invalid);
        }
        Ok(grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_verifies_only_unexpired_and_with_its_own_key() {
        let id = |n| Snowflake::new(n).unwrap();
        let keys = TokenKeys::new(&[1; 32]);
        let grant = VoiceGrant {
            user_id: id(1),
            scope: id(2),
            guild_id: Some(id(2)),
            channel_id: id(3),
            session_id: "s".into(),
            expires: 1000,
        };
        let token = grant.sign(&keys);
        assert_eq!(VoiceGrant::verify(&keys, &token, 999), Ok(grant));
        assert_eq!(VoiceGrant::verify(&keys, &token, 1000), Err(TokenError::Invalid));
        assert_eq!(VoiceGrant::verify(&TokenKeys::new(&[2; 32]), &token, 1), Err(TokenError::Invalid));
        let access = keys.sign_grant("mfa", b"{}");
        assert!(VoiceGrant::verify(&keys, &access, 1).is_err());
    }
}
