//! Registration, login, the current user and token verification.

use accord_core::Snowflake;
use accord_core::names::{GlobalName, InvalidName, Username};
use accord_service::extract::Json;
use accord_service::{ApiResult, Caller, PrincipalKind, render};
use accord_store::{StoreError, UserRecord};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::AuthState;
use crate::error::AuthError;
use crate::password;
use crate::routes::mfa::Challenge;
use crate::session::TokenPair;

#[derive(Debug, Deserialize)]
pub struct RegisterBody {
    username: String,
    password: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    global_name: Option<String>,
}

/// Usernames follow `accord_core::names` (unique ignoring case: the store checks that); the
/// names deleted accounts get are not available.
fn valid_username(name: &str) -> Result<(), AuthError> {
    Username::try_from(name.to_owned()).map_err(invalid)?;
    if name.to_ascii_lowercase().starts_with("deleted_user_") {
        return Err(AuthError::UsernameTaken);
    }
    Ok(())
}

fn invalid(e: InvalidName) -> AuthError {
    AuthError::InvalidField { field: e.field, message: e.message }
}

fn valid_email(email: &str) -> Result<(), AuthError> {
    let parts: Vec<&str> = email.split('@').collect();
    let shaped = parts.len() == 2 && !parts[0].is_empty() && parts[1].contains('.');
    if !shaped || email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AuthError::InvalidField { field: "email", message: "Not a well formed email address." });
    }
    Ok(())
}

fn valid_display_name(name: &str) -> Result<(), AuthError> {
    GlobalName::try_from(name.to_owned()).map(drop).map_err(invalid)
}

/// `POST /auth/register`
pub async fn register(
    State(state): State<AuthState>,
    Json(body): Json<RegisterBody>,
) -> ApiResult<(StatusCode, axum::Json<TokenPair>)> {
    valid_username(&body.username)?;
    if let Some(email) = &body.email {
        valid_email(email)?;
    }
    if let Some(name) = &body.global_name {
        valid_display_name(name)?;
    }
    password::check_new(&body.password, &body.username)?;
    let hash = state.hasher.hash(body.password).await?;
    let user = UserRecord {
        id: state.ctx.next_id(),
        username: body.username,
        global_name: body.global_name,
        email: body.email,
        avatar: None,
        bot: false,
        flags: 0,
        token_generation: 0,
        verified: false,
        mfa_enabled: false,
    };
    state.ctx.store.create_user(&user, Some(&hash)).await.map_err(|e| match e {
        StoreError::Conflict("email") => AuthError::EmailTaken,
        StoreError::Conflict(_) => AuthError::UsernameTaken,
        other => AuthError::Store(other),
    })?;
    Ok((StatusCode::CREATED, axum::Json(state.start_session(&user).await?)))
}

#[derive(Debug, Deserialize)]
pub struct LoginBody {
    login: String,
    password: String,
}

/// What a login answers: tokens, or, with two-factor authentication on, a challenge.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum LoginAnswer {
    Tokens(TokenPair),
    Challenge(Challenge),
}

/// `POST /auth/login` — `login` is a username or an email. Unknown users and wrong passwords
/// get the same answer after the same work. With TOTP on, the answer is
/// `{"mfa": true, "ticket": ..., "token": null}`, to finish at `POST /auth/mfa/totp`.
pub async fn login(State(state): State<AuthState>, Json(body): Json<LoginBody>) -> ApiResult<axum::Json<LoginAnswer>> {
    if body.password.len() > password::MAX_LEN || body.login.len() > 254 {
        return Err(AuthError::InvalidCredentials.into());
    }
    let found = state.ctx.store.credentials_by_login(&body.login).await.map_err(AuthError::from)?;
    let (user, hash) = match found {
        Some(c) => (Some(c.user), Some(c.password_hash)),
        None => (None, None),
    };
    if !state.hasher.verify(body.password, hash).await {
        return Err(AuthError::InvalidCredentials.into());
    }
    let user = user.ok_or(AuthError::InvalidCredentials)?;
    if user.mfa_enabled {
        return Ok(axum::Json(LoginAnswer::Challenge(state.challenge(&user))));
    }
    Ok(axum::Json(LoginAnswer::Tokens(state.start_session(&user).await?)))
}

/// `GET /auth/me`
pub async fn me(
    State(state): State<AuthState>,
    Caller(caller): Caller,
) -> ApiResult<axum::Json<accord_api::user::CurrentUser>> {
    let user = state.ctx.store.user(caller.user_id).await.map_err(AuthError::from)?;
    let user = user.ok_or_else(accord_service::ApiError::unauthorized)?;
    Ok(axum::Json(render::current_user(&user)))
}

#[derive(Debug, Deserialize)]
pub struct VerifyBody {
    token: String,
}

#[derive(Debug, Serialize)]
pub struct Verified {
    valid: bool,
    user_id: Option<Snowflake>,
}

/// `POST /auth/verify` — whether an access token is valid and whose it is (for other services).
pub async fn verify(State(state): State<AuthState>, Json(body): Json<VerifyBody>) -> ApiResult<axum::Json<Verified>> {
    let token = body.token.strip_prefix("Bearer ").unwrap_or(&body.token);
    let mut answer = Verified { valid: false, user_id: None };
    if let Ok(claims) = state.ctx.tokens.verify_access(token) {
        let (Some(user), Some(session)) = (claims.user_id(), claims.session_id()) else {
            return Ok(axum::Json(answer));
        };
        let live = state.ctx.store.session(session).await.map_err(AuthError::from)?;
        if live.is_some_and(|s| !s.revoked && s.user_id == user) {
            answer = Verified { valid: true, user_id: Some(user) };
        }
    }
    Ok(axum::Json(answer))
}

/// The session behind a user principal; bots have none.
pub(crate) fn session_of(caller: &accord_service::Principal) -> Result<Snowflake, AuthError> {
    match caller.kind {
        PrincipalKind::User { session_id } => Ok(session_id),
        PrincipalKind::Bot => Err(AuthError::BotsCannotUse),
    }
}
