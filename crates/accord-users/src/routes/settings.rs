//! `GET/PATCH /users/@me/settings`: status, custom status, locale, theme, who may DM the user
//! and send them friend requests, read receipts and discoverability. PATCH takes any subset
//! of the fields; USER_SETTINGS_UPDATE goes to the user's sessions. An expired custom status
//! reads as none. Bots have no settings.

use accord_api::settings::{STATUSES, THEMES, UserSettings};
use accord_core::time::{now_ms, parse_timestamp};
use accord_service::extract::{Json, parse_json};
use accord_service::settings::{UserDocument, document_of};
use accord_service::{ApiError, ApiResult, Caller, ServiceContext};
use axum::extract::State;
use serde_json::{Map, Value};

/// Guilds a user may close their DMs to.
const MAX_RESTRICTED_GUILDS: usize = 200;

/// `GET /users/@me/settings`
pub async fn get(State(ctx): State<ServiceContext>, Caller(caller): Caller) -> ApiResult<axum::Json<UserSettings>> {
    refuse_bots(&caller)?;
    let document = document_of(ctx.store.as_ref(), caller.user_id).await?;
    Ok(axum::Json(shown(document.settings)))
}

/// `PATCH /users/@me/settings`
pub async fn modify(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Json(changes): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<UserSettings>> {
    refuse_bots(&caller)?;
    let mut document = document_of(ctx.store.as_ref(), caller.user_id).await?;
    let mut merged = serde_json::to_value(&document.settings).expect("settings serialise");
    for (key, value) in changes {
        merged[key] = value;
    }
    let settings: UserSettings = parse_json(merged.to_string().as_bytes())?;
    validate(&settings)?;
    if settings == document.settings {
        return Ok(axum::Json(shown(settings)));
    }
    document.settings = settings;
    save(&ctx, caller.user_id, &document).await?;
    Ok(axum::Json(shown(document.settings)))
}

/// Settings are for people (as on Discord): bots get 403 (20001).
fn refuse_bots(caller: &accord_service::Principal) -> ApiResult<()> {
    if caller.is_bot() { Err(ApiError::new(&accord_core::code::BOTS_CANNOT_USE)) } else { Ok(()) }
}

/// Stores the document and tells the user's sessions.
pub async fn save(ctx: &ServiceContext, user_id: accord_core::Snowflake, document: &UserDocument) -> ApiResult<()> {
    let event = ctx.event("USER_SETTINGS_UPDATE", None, None, vec![user_id], &shown(document.settings.clone()));
    ctx.store.set_user_settings(user_id, &document.to_json(), &[event]).await?;
    ctx.events_committed();
    Ok(())
}

/// The settings as clients see them: a custom status that has expired is gone.
fn shown(mut settings: UserSettings) -> UserSettings {
    let expired = settings
        .custom_status
        .as_ref()
        .and_then(|c| c.expires_at.as_deref())
        .and_then(parse_timestamp)
        .is_some_and(|at| at <= now_ms());
    if expired {
        settings.custom_status = None;
    }
    settings
}

fn validate(settings: &UserSettings) -> ApiResult<()> {
    let invalid = |field: &str, message: &str| Err(ApiError::invalid_field(field, "BASE_TYPE_BAD", message));
    if !STATUSES.contains(&settings.status.as_str()) {
        return invalid("status", "Must be online, idle, dnd or invisible.");
    }
    if !THEMES.contains(&settings.theme.as_str()) {
        return invalid("theme", "Must be dark or light.");
    }
    let locale = &settings.locale;
    if !(2..=10).contains(&locale.len()) || !locale.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return invalid("locale", "Not a locale.");
    }
    if settings.restricted_guilds.len() > MAX_RESTRICTED_GUILDS {
        return invalid("restricted_guilds", "At most 200 guilds.");
    }
    if let Some(custom) = &settings.custom_status {
        if custom.text.as_ref().is_some_and(|t| t.chars().count() > 128) {
            return invalid("custom_status.text", "Must be at most 128 characters.");
        }
        if custom.emoji_name.as_ref().is_some_and(|n| n.chars().count() > 32) {
            return invalid("custom_status.emoji_name", "Must be at most 32 characters.");
        }
        if custom.expires_at.as_deref().is_some_and(|at| parse_timestamp(at).is_none()) {
            return invalid("custom_status.expires_at", "Not an ISO 8601 timestamp.");
        }
    }
    Ok(())
}
