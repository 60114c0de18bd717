//! Changing the password while signed in.

use accord_service::extract::Json;
use accord_service::{ApiResult, Caller};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::error::AuthError;
use crate::routes::accounts::session_of;
use crate::{AuthState, password};

#[derive(Debug, Deserialize)]
pub struct ChangeBody {
    /// The current password.
    password: String,
    new_password: String,
}

/// `POST /auth/password` — re-authenticates with the current password, sets the new one
/// (the same rules as registration) and signs out every other session; the caller's stays.
pub async fn change(
    State(state): State<AuthState>,
    Caller(caller): Caller,
    Json(body): Json<ChangeBody>,
) -> ApiResult<StatusCode> {
    let session = session_of(&caller)?;
    state.check_password(caller.user_id, &body.password).await?;
    let user = state.ctx.store.user(caller.user_id).await.map_err(AuthError::from)?;
    let user = user.ok_or_else(accord_service::ApiError::unauthorized)?;
    password::check_new(&body.new_password, &user.username)?;
    let hash = state.hasher.hash(body.new_password).await?;
    let revocation = state.revocation(user.id, Some(session));
    let revoked = state.ctx.store.change_password(&hash, &revocation).await.map_err(AuthError::from)?;
    state.ctx.events_committed();
    tracing::info!(user_id = %user.id, sessions = revoked.len(), "password changed");
    Ok(StatusCode::NO_CONTENT)
}
