//! Refresh-token rotation, logout, and the caller's own sessions: listing them and signing
//! out one or all of them. Revocations also close the gateway sessions of the logins they end
//! (the store writes a SESSIONS_REVOKED event with them).

use accord_core::Snowflake;
use accord_core::time::{format_timestamp, now_ms};
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::AuthState;
use crate::error::AuthError;
use crate::routes::accounts::session_of;
use crate::session::TokenPair;

#[derive(Debug, Deserialize)]
pub struct RefreshBody {
    refresh_token: String,
}

/// `POST /auth/refresh`
pub async fn refresh(
    State(state): State<AuthState>,
    Json(body): Json<RefreshBody>,
) -> ApiResult<axum::Json<TokenPair>> {
    if body.refresh_token.len() > 256 {
        return Err(AuthError::InvalidRefreshToken.into());
    }
    Ok(axum::Json(state.refresh(&body.refresh_token).await?))
}

/// `POST /auth/logout` — ends the caller's session: its refresh tokens and access tokens stop working.
pub async fn logout(State(state): State<AuthState>, Caller(caller): Caller) -> ApiResult<StatusCode> {
    let session = session_of(&caller)?;
    let event_id = state.ctx.next_id();
    state.ctx.store.revoke_user_session(caller.user_id, session, event_id).await.map_err(AuthError::from)?;
    state.ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /auth/logout-all` — ends every session of the caller, their own included.
pub async fn logout_all(State(state): State<AuthState>, Caller(caller): Caller) -> ApiResult<StatusCode> {
    session_of(&caller)?;
    let revocation = state.revocation(caller.user_id, None);
    state.ctx.store.revoke_sessions(&revocation).await.map_err(AuthError::from)?;
    state.ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}

/// One of the caller's sessions.
#[derive(Debug, Serialize)]
pub struct SessionView {
    id: Snowflake,
    /// When it logged in (ISO 8601).
    created_at: String,
    /// When it last logged in or refreshed its tokens (about every access-token lifetime while in use).
    last_used_at: String,
    /// Whether it is the session making this request.
    current: bool,
}

/// `GET /auth/sessions` — the caller's live sessions, newest first.
pub async fn list(State(state): State<AuthState>, Caller(caller): Caller) -> ApiResult<axum::Json<Vec<SessionView>>> {
    let current = session_of(&caller)?;
    let now = now_ms();
    let config = &state.config;
    let oldest = now.saturating_sub(config.session_max_age_secs * 1000);
    let live = state.ctx.store.live_sessions(caller.user_id, oldest).await.map_err(AuthError::from)?;
    let idle_ms = config.refresh_idle_secs * 1000;
    let views = live
        .into_iter()
        .filter(|s| s.id == current || s.last_used_ms + idle_ms > now)
        .map(|s| SessionView {
            id: s.id,
            created_at: format_timestamp(s.created_ms),
            last_used_at: format_timestamp(s.last_used_ms),
            current: s.id == current,
        })
        .collect();
    Ok(axum::Json(views))
}

/// `DELETE /auth/sessions/{session.id}` — signs out one of the caller's sessions (404 for
/// anyone else's, an unknown one, or one already ended).
pub async fn revoke(
    State(state): State<AuthState>,
    Caller(caller): Caller,
    Path(session_id): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    session_of(&caller)?;
    let event_id = state.ctx.next_id();
    let revoked = state.ctx.store.revoke_user_session(caller.user_id, session_id, event_id).await;
    if !revoked.map_err(AuthError::from)? {
        return Err(AuthError::UnknownSession.into());
    }
    state.ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}
