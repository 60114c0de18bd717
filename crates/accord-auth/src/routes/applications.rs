//! Applications and their bots. Creating one makes a bot user and shows its token once.

use accord_api::application::{Application, CreatedApplication};
use accord_core::Snowflake;
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller, render};
use accord_store::{ApplicationRecord, StoreError, UserRecord};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::AuthState;
use crate::error::AuthError;

/// The application flags an owner may set: the privileged-intent grants.
const INTENT_FLAGS: u64 = (1 << 12) | (1 << 13) | (1 << 14) | (1 << 15) | (1 << 18) | (1 << 19);

#[derive(Debug, Deserialize)]
pub struct CreateBody {
    name: String,
    #[serde(default)]
    description: Option<String>,
    /// Privileged-intent grants (GATEWAY_* bits); other bits are refused.
    #[serde(default)]
    flags: Option<u64>,
}

/// A bot username derived from the application name: ASCII letters, digits and `_` only.
fn bot_username(name: &str, id: Snowflake, attempt: u32) -> String {
    let mut base: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).take(24).collect();
    if base.trim_matches('_').len() < 2 {
        base = "bot".into();
    }
    if attempt == 0 { base } else { format!("{base}_{}", id.get() % 10_000 + u64::from(attempt)) }
}

/// `POST /applications` — creates an application owned by the caller, with a bot user.
pub async fn create(
    State(state): State<AuthState>,
    Caller(caller): Caller,
    Json(body): Json<CreateBody>,
) -> ApiResult<(StatusCode, axum::Json<CreatedApplication>)> {
    if caller.is_bot() {
        return Err(AuthError::BotsCannotUse.into());
    }
    let name_len = body.name.chars().count();
    if !(2..=32).contains(&name_len) || body.name.chars().any(char::is_control) {
        return Err(AuthError::InvalidField { field: "name", message: "Must be 2-32 characters." }.into());
    }
    let description = body.description.unwrap_or_default();
    if description.chars().count() > 400 {
        return Err(AuthError::InvalidField { field: "description", message: "Must be at most 400 characters." }.into());
    }
    let flags = body.flags.unwrap_or(0);
    if flags & !INTENT_FLAGS != 0 {
        return Err(
            AuthError::InvalidField { field: "flags", message: "Only GATEWAY_* intent flags can be set." }.into()
        );
    }
    let store = &state.ctx.store;
    let owner = store.user(caller.user_id).await.map_err(AuthError::from)?.ok_or(AuthError::InvalidCredentials)?;
    let id = state.ctx.next_id();
    let mut app = ApplicationRecord {
        id,
        owner_id: owner.id,
        bot_user_id: id,
        name: body.name.clone(),
        description,
        icon: None,
        flags,
        bot_public: true,
        bot_require_code_grant: false,
    };
    for attempt in 0..5 {
        let bot = UserRecord {
            id: state.ctx.next_id(),
            username: bot_username(&body.name, id, attempt),
            global_name: Some(body.name.clone()),
            email: None,
            avatar: None,
            bot: true,
            flags: 0,
            token_generation: 0,
            verified: false,
            mfa_enabled: false,
        };
        app.bot_user_id = bot.id;
        match store.create_application(&app, &bot).await {
            Ok(()) => {
                let token = state.ctx.tokens.bot_token(bot.id, 0);
                let application = render::application(&app, &bot, &owner);
                return Ok((StatusCode::CREATED, axum::Json(CreatedApplication { application, token })));
            }
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(AuthError::from(e).into()),
        }
    }
    Err(AuthError::UsernameTaken.into())
}

/// `GET /applications/@me` and `GET /oauth2/applications/@me` — the calling bot's application.
pub async fn current(State(state): State<AuthState>, Caller(caller): Caller) -> ApiResult<axum::Json<Application>> {
    let store = &state.ctx.store;
    let app = store.application_by_bot(caller.user_id).await.map_err(AuthError::from)?;
    let app = app.ok_or(AuthError::UnknownApplication)?;
    let bot = store.user(app.bot_user_id).await.map_err(AuthError::from)?.ok_or(AuthError::UnknownApplication)?;
    let owner = store.user(app.owner_id).await.map_err(AuthError::from)?.ok_or(AuthError::UnknownApplication)?;
    Ok(axum::Json(render::application(&app, &bot, &owner)))
}

#[derive(Debug, Serialize)]
pub struct NewToken {
    token: String,
}

/// `POST /applications/{application.id}/bot/reset-token` — by the owner; older tokens stop working.
pub async fn reset_token(
    State(state): State<AuthState>,
    Caller(caller): Caller,
    Path(application_id): Path<Snowflake>,
) -> ApiResult<axum::Json<NewToken>> {
    let store = &state.ctx.store;
    let app = store.application(application_id).await.map_err(AuthError::from)?;
    let app = app.filter(|a| a.owner_id == caller.user_id).ok_or(AuthError::UnknownApplication)?;
    let generation = store.bump_token_generation(app.bot_user_id).await.map_err(AuthError::from)?;
    Ok(axum::Json(NewToken { token: state.ctx.tokens.bot_token(app.bot_user_id, generation) }))
}
