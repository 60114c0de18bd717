//! Tokens: signed access tokens (JWT, HS256 only, with checked type, audience and issuer),
//! refresh tokens (256 random bits; the successor of a rotated token is derived from it, so a
//! retried rotation can be answered with the same pair), and bot tokens in Discord's
//! three-part shape, authenticated by an HMAC and revoked by bumping a generation number,
//! and second-factor login tickets of the same shape that expire by themselves.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Snowflake;

mod verified;

use verified::{Key, VerifiedTokens};

const AUDIENCE: &str = "accord-api";
const ISSUER: &str = "accord";
const ACCESS_TYPE: &str = "access";

/// Why a token was refused. Callers answer all of them with the same 401.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("bad signature, expired, or wrong type, audience or issuer")]
    Invalid,
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user id.
    pub sub: String,
    /// The login session the token belongs to; logout revokes it.
    pub sid: String,
    /// Always `access`: refresh, voice and bot tokens can never pass as access tokens.
    pub typ: String,
    pub aud: String,
    pub iss: String,
    pub iat: u64,
    pub exp: u64,
}

impl AccessClaims {
    pub fn user_id(&self) -> Option<Snowflake> {
        self.sub.parse().ok()
    }

    pub fn session_id(&self) -> Option<Snowflake> {
        self.sid.parse().ok()
    }
}

/// Keys derived from the server secret. Cheap to clone behind an `Arc`.
pub struct TokenKeys {
    secret: Vec<u8>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    verified: VerifiedTokens,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    /// `secret` should be at least 32 random bytes.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
        validation.leeway = 5;
        Self {
            secret: secret.to_vec(),
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: VerifiedTokens::default(),
        }
    }

    /// Signs an access token valid from `iat` (Unix seconds) for `ttl_secs`.
    /// Deterministic: the same inputs give the same token.
    pub fn issue_access(&self, user: Snowflake, session: Snowflake, iat: u64, ttl_secs: u64) -> String {
        let claims = AccessClaims {
            sub: user.to_string(),
            sid: session.to_string(),
            typ: ACCESS_TYPE.into(),
            aud: AUDIENCE.into(),
            iss: ISSUER.into(),
            iat,
            exp: iat + ttl_secs,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail")
    }

    /// Verifies signature, algorithm, expiry, audience, issuer and type.
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        if token.len() > 2048 || token.matches('.').count() != 2 {
            return Err(TokenError::Malformed);
        }
        let key = Key::of(token);
        if let Some(claims) = self.verified.get(&key, crate::time::now_ms() / 1000, self.validation.leeway) {
            return Ok(claims);
        }
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        let claims = data.claims;
        if claims.typ != ACCESS_TYPE || claims.user_id().is_none() || claims.session_id().is_none() {
            return Err(TokenError::Invalid);
        }
        self.verified.insert(key, &claims);
        Ok(claims)
    }

    /// The token that replaces `refresh` when it is rotated. Derived, not random, so that a
    /// client retrying a rotation whose answer it lost can be given the same successor.
    pub fn refresh_successor(&self, refresh: &str) -> String {
        B64.encode(self.mac(&[b"refresh-rotate:", refresh.as_bytes()]))
    }

    /// A bot token: `base64(user id).base64(generation).hmac`.
    pub fn bot_token(&self, user: Snowflake, generation: u64) -> String {
        let (id, generation) = (user.to_string(), generation.to_string());
        let mac = self.mac(&[b"bot:", id.as_bytes(), b".", generation.as_bytes()]);
        format!("{}.{}.{}", B64.encode(&id), B64.encode(&generation), B64.encode(mac))
    }

    /// Checks a bot token's HMAC and returns its user and generation; the caller checks the
    /// generation is still current.
    pub fn verify_bot(&self, token: &str) -> Result<(Snowflake, u64), TokenError> {
        let mut parts = token.splitn(3, '.');
        let (Some(id), Some(generation), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TokenError::Malformed);
        };
        let decode = |s: &str| B64.decode(s).ok().and_then(|b| String::from_utf8(b).ok());
        let (id, generation) = decode(id).zip(decode(generation)).ok_or(TokenError::Malformed)?;
        let mac = B64.decode(mac).map_err(|_| TokenError::Malformed)?;
        let mut check = self.hmac();
        for part in [b"bot:".as_slice(), id.as_bytes(), b".", generation.as_bytes()] {
            check.update(part);
        }
        check.verify_slice(&mac).map_err(|_| TokenError::Invalid)?;
        let user = id.parse().map_err(|_| TokenError::Malformed)?;
        let generation = generation.parse().map_err(|_| TokenError::Malformed)?;
        Ok((user, generation))
    }

    /// A second-factor login ticket: `base64(user id).base64(expiry, Unix seconds).hmac`.
    /// Stateless: whoever holds it may finish that user's login with a valid code until it
    /// expires (a code is accepted once, so a ticket cannot be replayed with the same code).
    pub fn mfa_ticket(&self, user: Snowflake, expires_secs: u64) -> String {
        let (id, expires) = (user.to_string(), expires_secs.to_string());
        let mac = self.mac(&[b"mfa-ticket:", id.as_bytes(), b".", expires.as_bytes()]);
        format!("{}.{}.{}", B64.encode(&id), B64.encode(&expires), B64.encode(mac))
    }

    /// Checks a ticket's HMAC and expiry (against `now_secs`) and returns its user.
    pub fn verify_mfa_ticket(&self, ticket: &str, now_secs: u64) -> Result<Snowflake, TokenError> {
        if ticket.len() > 256 {
            return Err(TokenError::Malformed);
        }
        let mut parts = ticket.splitn(3, '.');
        let (Some(id), Some(expires), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TokenError::Malformed);
        };
        let decode = |s: &str| B64.decode(s).ok().and_then(|b| String::from_utf8(b).ok());
        let (id, expires) = decode(id).zip(decode(expires)).ok_or(TokenError::Malformed)?;
        let mac = B64.decode(mac).map_err(|_| TokenError::Malformed)?;
        let mut check = self.hmac();
        for part in [b"mfa-ticket:".as_slice(), id.as_bytes(), b".", expires.as_bytes()] {
            check.update(part);
        }
        check.verify_slice(&mac).map_err(|_| TokenError::Invalid)?;
        let expires: u64 = expires.parse().map_err(|_| TokenError::Malformed)?;
        if now_secs >= expires {
            return Err(TokenError::Invalid);
        }
        id.parse().map_err(|_| TokenError::Malformed)
    }

    /// A short-lived signed grant for `purpose` (voice connections): `base64(payload).hmac`.
    /// The payload carries its own expiry; the purpose keeps a grant of one kind from passing
    /// as another.
    pub fn sign_grant(&self, purpose: &str, payload: &[u8]) -> String {
        let mac = self.mac(&[b"grant:", purpose.as_bytes(), b":", payload]);
        format!("{}.{}", B64.encode(payload), B64.encode(mac))
    }

    /// The payload of a grant signed for `purpose`; the caller checks its expiry.
    pub fn verify_grant(&self, purpose: &str, grant: &str) -> Result<Vec<u8>, TokenError> {
        if grant.len() > 2048 {
            return Err(TokenError::Malformed);
        }
        let (payload, mac) = grant.split_once('.').ok_or(TokenError::Malformed)?;
        let payload = B64.decode(payload).map_err(|_| TokenError::Malformed)?;
        let mac = B64.decode(mac).map_err(|_| TokenError::Malformed)?;
        let mut check = self.hmac();
        for part in [b"grant:".as_slice(), purpose.as_bytes(), b":", &payload] {
            check.update(part);
        }
        check.verify_slice(&mac).map_err(|_| TokenError::Invalid)?;
        Ok(payload)
    }

    fn hmac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length")
    }

    fn mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = self.hmac();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
}

/// A new random refresh token (256 bits).
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    B64.encode(bytes)
}

/// What the database stores of a refresh token: its SHA-256, hex.
pub fn hash_refresh_token(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes, for a new server secret.
pub fn random_secret() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> Snowflake {
        Snowflake::new(n).unwrap()
    }

    fn now() -> u64 {
        crate::time::now_ms() / 1000
    }

    #[test]
    fn access_tokens_round_trip_and_are_deterministic() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let t = keys.issue_access(id(5), id(6), now(), 900);
        assert_eq!(t, keys.issue_access(id(5), id(6), now(), 900));
        let claims = keys.verify_access(&t).unwrap();
        assert_eq!((claims.user_id(), claims.session_id()), (Some(id(5)), Some(id(6))));
    }

    #[test]
    fn a_verified_token_verifies_again_and_its_altered_forms_do_not() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue_access(id(5), id(6), now(), 900);
        let claims = keys.verify_access(&token).unwrap();
        assert_eq!(keys.verify_access(&token), Ok(claims));
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { 'B' } else { 'A' };
        assert_eq!(keys.verify_access(&format!("{signed}.{flipped}{}", &signature[1..])), Err(TokenError::Invalid));
        let other = TokenKeys::new(b"another secret of thirty-two byt");
        assert_eq!(other.verify_access(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn expired_foreign_or_unsigned_tokens_are_refused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let other = TokenKeys::new(b"another secret of thirty-two byt");
        assert_eq!(keys.verify_access(&keys.issue_access(id(5), id(6), now() - 1000, 60)), Err(TokenError::Invalid));
        assert_eq!(keys.verify_access(&other.issue_access(id(5), id(6), now(), 60)), Err(TokenError::Invalid));
        let header = B64.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let body = B64.encode(format!(
            r#"{{"sub":"5","sid":"6","typ":"access","aud":"accord-api","iss":"accord","iat":1,"exp":{}}}"#,
            now() + 100
        ));
        assert!(keys.verify_access(&format!("{header}.{body}.")).is_err());
        assert_eq!(keys.verify_access("Bearer"), Err(TokenError::Malformed));
    }

    #[test]
    fn bot_tokens_verify_only_with_their_own_mac() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let t = keys.bot_token(id(77), 3);
        assert_eq!(keys.verify_bot(&t), Ok((id(77), 3)));
        let forged = format!("{}.{}.{}", B64.encode("77"), B64.encode("4"), t.rsplit('.').next().unwrap());
        assert_eq!(keys.verify_bot(&forged), Err(TokenError::Invalid));
        assert_eq!(keys.verify_bot("nodots"), Err(TokenError::Malformed));
    }

    #[test]
    fn mfa_tickets_verify_until_they_expire_and_only_with_their_own_mac() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let ticket = keys.mfa_ticket(id(77), 1_000);
        assert_eq!(keys.verify_mfa_ticket(&ticket, 999), Ok(id(77)));
        assert_eq!(keys.verify_mfa_ticket(&ticket, 1_000), Err(TokenError::Invalid));
        let forged = format!("{}.{}.{}", B64.encode("78"), B64.encode("1000"), ticket.rsplit('.').next().unwrap());
        assert_eq!(keys.verify_mfa_ticket(&forged, 1), Err(TokenError::Invalid));
        let bot = keys.bot_token(id(77), 1_000);
        assert_eq!(keys.verify_mfa_ticket(&bot, 1), Err(TokenError::Invalid), "another kind of token");
        assert_eq!(keys.verify_mfa_ticket("nodots", 1), Err(TokenError::Malformed));
    }

    #[test]
    fn refresh_successors_are_stable_and_distinct() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let r = new_refresh_token();
        assert_eq!(keys.refresh_successor(&r), keys.refresh_successor(&r));
        assert_ne!(keys.refresh_successor(&r), r);
        assert_eq!(hash_refresh_token(&r).len(), 64);
    }
}
