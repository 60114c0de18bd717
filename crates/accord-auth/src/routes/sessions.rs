//! Refresh-token rotation and logout.

use accord_service::extract::Json;
use accord_service::{ApiResult, Caller};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::AuthState;
use crate::error::AuthError;
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
    let session = super::accounts::session_of(&caller)?;
    state.ctx.store.revoke_session(session).await.map_err(AuthError::from)?;
    Ok(StatusCode::NO_CONTENT)
}
