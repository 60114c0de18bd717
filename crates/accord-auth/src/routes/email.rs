//! Emailed one-time tokens: email verification and password reset. A token is 32 random
//! bytes (URL-safe base64); only its SHA-256 is stored, and using it deletes it in the same
//! transaction as its effect. Reset requests answer 204 at once and do their work in the
//! background, so neither the answer nor its timing tells whether the address has an account.

use accord_core::time::now_ms;
use accord_core::token::{hash_refresh_token, new_refresh_token};
use accord_service::extract::Json;
use accord_service::{ApiResult, Caller};
use accord_store::UserRecord;
use accord_store::security::{OneTimeToken, TokenPurpose};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::error::AuthError;
use crate::mail::Mail;
use crate::routes::accounts::session_of;
use crate::{AuthState, events, password};

/// Longer token strings are refused without a lookup.
const MAX_TOKEN_LEN: usize = 256;

impl AuthState {
    /// Makes a token of `purpose` for `user` at `email`, stores its hash and mails it.
    async fn mail_token(&self, user: &UserRecord, email: &str, purpose: TokenPurpose) -> Result<(), AuthError> {
        let token = new_refresh_token();
        let now = now_ms();
        let ttl = match purpose {
            TokenPurpose::VerifyEmail => self.config.email_verification_ttl_secs,
            TokenPurpose::ResetPassword => self.config.password_reset_ttl_secs,
        };
        let record = OneTimeToken {
            token_hash: hash_refresh_token(&token),
            purpose,
            user_id: user.id,
            email: email.to_owned(),
            created_ms: now,
            expires_ms: now + ttl * 1000,
        };
        self.ctx.store.create_one_time_token(&record).await?;
        let url = &self.ctx.public_url;
        let hours = ttl as f64 / 3600.0;
        let name = &user.username;
        // Lines stay under 76 characters so the message goes as plain 7-bit text, and the
        // token has a line of its own for clients that cannot follow the link.
        let (subject, body) = match purpose {
            TokenPurpose::VerifyEmail => (
                "Verify your email address",
                format!(
                    "Hello {name},\n\nconfirm that this is your address by opening\n\n  {url}/verify#token={token}\n\n\
                     or by sending POST /api/v10/auth/verify-email with this token:\n\n  {token}\n\n\
                     It works once, for {hours:.1} hours.\n"
                ),
            ),
            TokenPurpose::ResetPassword => (
                "Reset your password",
                format!(
                    "Hello {name},\n\nsomeone (hopefully you) asked to reset your password.\n\
                     Choose a new one at\n\n  {url}/reset#token={token}\n\n\
                     or by sending POST /api/v10/auth/password-reset with this token\n\
                     and your new password:\n\n  {token}\n\n\
                     It works once, for {hours:.1} hours, and signs out every session.\n\
                     If you did not ask for it, ignore this message.\n"
                ),
            ),
        };
        let mail = Mail { to: email.to_owned(), subject: subject.to_owned(), body };
        Ok(self.mailer.send(&mail).await?)
    }
}

/// `POST /auth/verify-email/send` — mails the caller a link that verifies their address.
pub async fn send_verification(State(state): State<AuthState>, Caller(caller): Caller) -> ApiResult<StatusCode> {
    session_of(&caller)?;
    let user = state.ctx.store.user(caller.user_id).await.map_err(AuthError::from)?;
    let user = user.ok_or_else(accord_service::ApiError::unauthorized)?;
    let email = user.email.clone().ok_or(AuthError::NoEmail)?;
    if let Err(error) = state.mail_token(&user, &email, TokenPurpose::VerifyEmail).await {
        tracing::warn!(user_id = %user.id, error = ?error, "verification mail not sent");
        return Err(error.into());
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct TokenBody {
    token: String,
}

/// `POST /auth/verify-email` — uses a verification token: the account's email becomes verified.
pub async fn verify(State(state): State<AuthState>, Json(body): Json<TokenBody>) -> ApiResult<StatusCode> {
    if body.token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::InvalidToken.into());
    }
    let hash = hash_refresh_token(&body.token);
    let store = &state.ctx.store;
    let now = now_ms();
    let token = store.one_time_token(&hash, TokenPurpose::VerifyEmail, now).await.map_err(AuthError::from)?;
    let token = token.ok_or(AuthError::InvalidToken)?;
    let user = store.user(token.user_id).await.map_err(AuthError::from)?.ok_or(AuthError::InvalidToken)?;
    let update = events::user_update(&state.ctx, &UserRecord { verified: true, ..user }).await;
    let update = update.map_err(AuthError::from)?;
    let verified = store.verify_email(&hash, now, &[update]).await.map_err(AuthError::from)?;
    verified.ok_or(AuthError::InvalidToken)?;
    state.ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct ResetRequestBody {
    email: String,
}

/// `POST /auth/password-reset/request` — 204 whatever the address; if an account has it, a
/// reset link is mailed to it (in the background).
pub async fn request_reset(
    State(state): State<AuthState>,
    Json(body): Json<ResetRequestBody>,
) -> ApiResult<StatusCode> {
    let email = body.email.trim().to_owned();
    if email.is_empty() || email.len() > 254 || !email.contains('@') {
        return Err(AuthError::InvalidField { field: "email", message: "Not a well formed email address." }.into());
    }
    tokio::spawn(async move {
        let found = match state.ctx.store.credentials_by_login(&email).await {
            Ok(found) => found.map(|c| c.user),
            Err(error) => {
                tracing::warn!(error = ?error, "password reset lookup failed");
                return;
            }
        };
        // `credentials_by_login` also matches usernames: only the account's own address counts.
        let Some(user) = found.filter(|u| u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&email))) else {
            return;
        };
        let address = user.email.clone().unwrap_or_default();
        if let Err(error) = state.mail_token(&user, &address, TokenPurpose::ResetPassword).await {
            tracing::warn!(user_id = %user.id, error = ?error, "password reset mail not sent");
        }
    });
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct ResetBody {
    token: String,
    password: String,
}

/// `POST /auth/password-reset` — uses a reset token: sets the new password (the same rules as
/// registration) and signs out every session of the account.
pub async fn reset(State(state): State<AuthState>, Json(body): Json<ResetBody>) -> ApiResult<StatusCode> {
    if body.token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::InvalidToken.into());
    }
    let hash = hash_refresh_token(&body.token);
    let store = &state.ctx.store;
    let token = store.one_time_token(&hash, TokenPurpose::ResetPassword, now_ms()).await.map_err(AuthError::from)?;
    let token = token.ok_or(AuthError::InvalidToken)?;
    let user = store.user(token.user_id).await.map_err(AuthError::from)?.ok_or(AuthError::InvalidToken)?;
    password::check_new(&body.password, &user.username)?;
    let password_hash = state.hasher.hash(body.password).await?;
    let done = store.reset_password(&hash, now_ms(), &password_hash, state.ctx.next_id()).await;
    let (user_id, revoked) = done.map_err(AuthError::from)?.ok_or(AuthError::InvalidToken)?;
    state.ctx.events_committed();
    tracing::info!(%user_id, sessions = revoked.len(), "password reset by emailed token");
    Ok(StatusCode::NO_CONTENT)
}
