//! TOTP two-factor authentication. As on Discord, the client makes the secret (base32, at
//! least 80 bits) and shows it to the user's authenticator app; enabling needs the current
//! password and a code the app made from it, and answers ten single-use recovery codes. A
//! login with TOTP on answers a ticket instead of tokens; `POST /auth/mfa/totp` with the
//! ticket and a code (or a recovery code) finishes it.

use accord_core::Snowflake;
use accord_core::time::now_ms;
use accord_service::extract::Json;
use accord_service::{ApiResult, Caller};
use accord_store::UserRecord;
use accord_store::security::TotpRecord;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::error::AuthError;
use crate::routes::accounts::session_of;
use crate::session::TokenPair;
use crate::{AuthState, events, totp};

#[derive(Debug, Deserialize)]
pub struct EnableBody {
    password: String,
    /// Base32 (RFC 4648), as the authenticator app is given it.
    secret: String,
    /// A current code of the secret.
    code: String,
}

/// One recovery code, in Discord's `backup_codes` shape.
#[derive(Debug, Serialize)]
pub struct BackupCode {
    user_id: Snowflake,
    code: String,
    consumed: bool,
}

#[derive(Debug, Serialize)]
pub struct Enabled {
    /// Shown once: each works once in place of a TOTP code.
    backup_codes: Vec<BackupCode>,
}

/// The secret in its stored form (upper case, no spaces or padding), if it decodes to a
/// key of an acceptable length.
fn parse_secret(secret: &str) -> Result<(String, Vec<u8>), AuthError> {
    let key = (secret.len() <= 128)
        .then(|| totp::decode_base32(secret))
        .flatten()
        .filter(|key| (totp::MIN_SECRET_BYTES..=totp::MAX_SECRET_BYTES).contains(&key.len()))
        .ok_or(AuthError::InvalidField { field: "secret", message: "Must be a base32 secret of 80 to 512 bits." })?;
    let normal = secret.chars().filter(|c| !matches!(c, ' ' | '=')).map(|c| c.to_ascii_uppercase()).collect();
    Ok((normal, key))
}

/// `POST /auth/mfa/totp/enable` — turns TOTP on for the caller.
pub async fn enable(
    State(state): State<AuthState>,
    Caller(caller): Caller,
    Json(body): Json<EnableBody>,
) -> ApiResult<axum::Json<Enabled>> {
    session_of(&caller)?;
    state.check_password(caller.user_id, &body.password).await?;
    let store = &state.ctx.store;
    let user = store.user(caller.user_id).await.map_err(AuthError::from)?;
    let user = user.ok_or_else(accord_service::ApiError::unauthorized)?;
    if user.mfa_enabled {
        return Err(AuthError::MfaAlreadyEnabled.into());
    }
    let (secret, key) = parse_secret(&body.secret)?;
    let now = now_ms();
    let step = totp::matching_step(&key, body.code.trim(), now / 1000).ok_or(AuthError::InvalidTwoFactorCode)?;
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| totp::hash_recovery_code(c)).collect();
    // The enabling code's step counts as used.
    let record = TotpRecord { user_id: user.id, secret, last_step: step, enabled_ms: now };
    let update = events::user_update(&state.ctx, &UserRecord { mfa_enabled: true, ..user.clone() }).await;
    if !store.enable_totp(&record, &hashes, &[update.map_err(AuthError::from)?]).await.map_err(AuthError::from)? {
        return Err(AuthError::MfaAlreadyEnabled.into());
    }
    state.ctx.events_committed();
    let backup_codes = codes.into_iter().map(|code| BackupCode { user_id: user.id, code, consumed: false }).collect();
    Ok(axum::Json(Enabled { backup_codes }))
}

#[derive(Debug, Deserialize)]
pub struct CodeBody {
    /// A TOTP code or a recovery code.
    code: String,
}

/// `POST /auth/mfa/totp/disable` — turns TOTP off, given a valid TOTP or recovery code.
pub async fn disable(
    State(state): State<AuthState>,
    Caller(caller): Caller,
    Json(body): Json<CodeBody>,
) -> ApiResult<StatusCode> {
    session_of(&caller)?;
    let store = &state.ctx.store;
    let record = store.totp(caller.user_id).await.map_err(AuthError::from)?.ok_or(AuthError::MfaNotEnabled)?;
    state.use_code(&record, &body.code).await?;
    let user = store.user(caller.user_id).await.map_err(AuthError::from)?;
    let user = user.ok_or_else(accord_service::ApiError::unauthorized)?;
    let update = events::user_update(&state.ctx, &UserRecord { mfa_enabled: false, ..user }).await;
    if !store.disable_totp(caller.user_id, &[update.map_err(AuthError::from)?]).await.map_err(AuthError::from)? {
        return Err(AuthError::MfaNotEnabled.into());
    }
    state.ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}

/// The answer to a login that needs a second factor (Discord's shape, with `token: null`).
#[derive(Debug, Serialize)]
pub struct Challenge {
    mfa: bool,
    ticket: String,
    token: Option<String>,
    user_id: Snowflake,
    totp: bool,
    backup: bool,
    sms: bool,
    webauthn: Option<String>,
}

impl AuthState {
    /// The challenge for `user`, whose password was right: a signed, short-lived ticket.
    pub fn challenge(&self, user: &UserRecord) -> Challenge {
        let expires = now_ms() / 1000 + self.config.mfa_ticket_ttl_secs;
        Challenge {
            mfa: true,
            ticket: self.ctx.tokens.mfa_ticket(user.id, expires),
            token: None,
            user_id: user.id,
            totp: true,
            backup: true,
            sms: false,
            webauthn: None,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct FinishBody {
    ticket: String,
    code: String,
}

/// `POST /auth/mfa/totp` — finishes a login: the ticket and a TOTP or recovery code give
/// the tokens; a wrong code gives nothing (the ticket stays usable until it expires).
pub async fn finish_login(
    State(state): State<AuthState>,
    Json(body): Json<FinishBody>,
) -> ApiResult<axum::Json<TokenPair>> {
    let user_id =
        state.ctx.tokens.verify_mfa_ticket(&body.ticket, now_ms() / 1000).map_err(|_| AuthError::InvalidMfaTicket)?;
    let store = &state.ctx.store;
    let record = store.totp(user_id).await.map_err(AuthError::from)?.ok_or(AuthError::InvalidMfaTicket)?;
    state.use_code(&record, &body.code).await?;
    let user = store.user(user_id).await.map_err(AuthError::from)?.ok_or(AuthError::InvalidMfaTicket)?;
    Ok(axum::Json(state.start_session(&user).await?))
}
