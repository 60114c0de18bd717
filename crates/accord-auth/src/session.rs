//! Issuing and rotating login sessions. A session is one refresh-token family: rotating
//! kills the old token; presenting a rotated token again revokes the whole family, except one
//! replay of the immediately preceding token within the grace window, which gets the same
//! pair (the successor is derived from the token, and the access token is deterministic).

use accord_core::Snowflake;
use accord_core::time::now_ms;
use accord_core::token::{hash_refresh_token, new_refresh_token};
use accord_store::{RefreshRecord, SessionRecord, UserRecord};
use serde::Serialize;

use crate::AuthState;
use crate::error::AuthError;

/// The answer to register, login and refresh.
#[derive(Debug, Serialize)]
pub struct TokenPair {
    pub token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub user: accord_api::user::CurrentUser,
}

impl AuthState {
    fn pair(&self, user: &UserRecord, session: Snowflake, refresh: String, issued_ms: u64) -> TokenPair {
        let ttl = self.config.access_token_ttl_secs;
        TokenPair {
            token: self.ctx.tokens.issue_access(user.id, session, issued_ms / 1000, ttl),
            refresh_token: refresh,
            expires_in: ttl,
            user: accord_service::render::current_user(user),
        }
    }

    /// Starts a new session for `user`.
    pub async fn start_session(&self, user: &UserRecord) -> Result<TokenPair, AuthError> {
        let now = now_ms();
        let session = SessionRecord { id: self.ctx.next_id(), user_id: user.id, created_ms: now, revoked: false };
        let refresh = new_refresh_token();
        let record = RefreshRecord {
            token_hash: hash_refresh_token(&refresh),
            session_id: session.id,
            user_id: user.id,
            issued_ms: now,
            rotated_ms: None,
            replays: 0,
        };
        self.ctx.store.create_session(&session, &record).await?;
        Ok(self.pair(user, session.id, refresh, now))
    }

    /// Exchanges a refresh token for a new pair.
    pub async fn refresh(&self, refresh: &str) -> Result<TokenPair, AuthError> {
        let store = &self.ctx.store;
        let hash = hash_refresh_token(refresh);
        let record = store.refresh_token(&hash).await?.ok_or(AuthError::InvalidRefreshToken)?;
        let session = store.session(record.session_id).await?.ok_or(AuthError::InvalidRefreshToken)?;
        let now = now_ms();
        let expired = now > session.created_ms + self.config.session_max_age_secs * 1000
            || now > record.issued_ms + self.config.refresh_idle_secs * 1000;
        if session.revoked || expired {
            return Err(AuthError::InvalidRefreshToken);
        }
        let user = store.user(record.user_id).await?.ok_or(AuthError::InvalidRefreshToken)?;
        let successor = self.ctx.tokens.refresh_successor(refresh);
        if record.rotated_ms.is_none() {
            let next = RefreshRecord {
                token_hash: hash_refresh_token(&successor),
                session_id: session.id,
                user_id: user.id,
                issued_ms: now,
                rotated_ms: None,
                replays: 0,
            };
            if store.rotate_refresh_token(&hash, &next, now).await? {
                return Ok(self.pair(&user, session.id, successor, now));
            }
        }
        self.replay(&hash, &successor, &user, session.id).await
    }

    /// A rotated token presented again: the one allowed retry, or reuse.
    async fn replay(
        &self,
        hash: &str,
        successor: &str,
        user: &UserRecord,
        session: Snowflake,
    ) -> Result<TokenPair, AuthError> {
        let store = &self.ctx.store;
        let record = store.refresh_token(hash).await?.ok_or(AuthError::InvalidRefreshToken)?;
        let rotated = record.rotated_ms.unwrap_or(0);
        let next = store.refresh_token(&hash_refresh_token(successor)).await?;
        let within_grace = now_ms() <= rotated + self.config.refresh_grace_secs * 1000;
        let successor_live = next.as_ref().is_some_and(|n| n.rotated_ms.is_none());
        if within_grace && successor_live && store.count_refresh_replay(hash).await? == 1 {
            let issued = next.map_or(rotated, |n| n.issued_ms);
            return Ok(self.pair(user, session, successor.to_owned(), issued));
        }
        tracing::warn!(session_id = %session, user_id = %user.id, "refresh token reused; revoking its session");
        // Like every revocation, it also closes the session's gateway connections.
        if store.revoke_user_session(user.id, session, self.ctx.next_id()).await? {
            self.ctx.events_committed();
        }
        Err(AuthError::InvalidRefreshToken)
    }
}
