//! `POST /presence/update`, `GET /presence/{user_id}`, `GET /presence/guild/{guild_id}`.

use std::time::Instant;

use accord_core::time::{format_timestamp, now_ms, parse_timestamp};
use accord_core::{Snowflake, code};
use accord_service::access::GuildAccess;
use accord_service::extract::{Json, Path};
use accord_service::presence::{MAX_ACTIVITIES, Presence, STATUSES, last_seen, publish, read};
use accord_service::{ApiError, ApiResult, Caller, Principal, ServiceContext};
use accord_store::relationships::kind::FRIEND;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::HOLD;
use crate::lapse::Lapses;

/// Application flags that grant a bot presences (GATEWAY_PRESENCE, or its limited form), as
/// the gateway's GUILD_PRESENCES intent requires.
const PRESENCE_GRANTS: u64 = (1 << 12) | (1 << 13);

/// The holder name of presences set over REST.
const HOLDER: &str = "api";
/// Members a guild's presence list looks through at most, a page at a time.
const GUILD_SCAN: usize = 10_000;
const PAGE: u32 = 1000;

pub fn router(lapses: Lapses) -> Router<ServiceContext> {
    Router::new()
        .route("/presence/update", post(update))
        .route("/presence/guild/{guild_id}", get(guild))
        .route("/presence/{user_id}", get(user))
        .layer(Extension(lapses))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresenceBody {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    activities: Option<Vec<Value>>,
    /// `{text, emoji_name?, emoji_id?, expires_at?}`, shown as a custom status activity.
    #[serde(default)]
    custom_status: Option<Value>,
}

/// `POST /presence/update` — what the caller shows over REST, for the next five minutes.
pub async fn update(
    State(ctx): State<ServiceContext>,
    Extension(lapses): Extension<Lapses>,
    Caller(caller): Caller,
    Json(body): Json<PresenceBody>,
) -> ApiResult<axum::Json<Value>> {
    let status = body.status.unwrap_or_else(|| "online".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(ApiError::invalid_field("status", "BASE_TYPE_CHOICES", "Must be online, idle, dnd or invisible."));
    }
    let mut activities = body.activities.unwrap_or_default();
    if activities.len() > MAX_ACTIVITIES || activities.iter().any(|a| !a.is_object() || a["name"].as_str().is_none()) {
        return Err(ApiError::invalid_field("activities", "BASE_TYPE_BAD", "At most 10 objects with a name."));
    }
    if let Some(custom) = body.custom_status {
        activities.insert(0, custom_activity(&custom)?);
    }
    let user = caller.user_id;
    let before = read(&ctx, &[user]).await.remove(&user).unwrap_or_else(Presence::offline);
    let mine = Presence::on("web", &status, activities);
    ctx.kv.presence_set(user, HOLDER, &mine.to_value(), HOLD).await.map_err(|error| {
        tracing::warn!(%error, "presence not stored");
        ApiError::new(&code::SERVICE_UNAVAILABLE)
    })?;
    lapses.held_until(user, Instant::now() + HOLD);
    let after = read(&ctx, &[user]).await.remove(&user).unwrap_or_else(Presence::offline);
    if before.payload(user) != after.payload(user) {
        publish(&ctx, user, &after).await;
    }
    Ok(axum::Json(shown(user, &after, None)))
}

/// A custom status as the activity Discord shows it as, unless it has expired already.
fn custom_activity(custom: &Value) -> ApiResult<Value> {
    let bad = |message: &str| ApiError::invalid_field("custom_status", "BASE_TYPE_BAD", message);
    let text = custom.get("text").and_then(Value::as_str);
    if text.is_some_and(|t| t.chars().count() > 128) {
        return Err(bad("text must be at most 128 characters."));
    }
    if let Some(expires) = custom.get("expires_at").and_then(Value::as_str) {
        let at = parse_timestamp(expires).ok_or_else(|| bad("expires_at is not an ISO 8601 timestamp."))?;
        if at <= now_ms() {
            return Err(bad("expires_at is in the past."));
        }
    }
    let mut activity = json!({ "type": 4, "name": "Custom Status", "state": text });
    if let Some(name) = custom.get("emoji_name").and_then(Value::as_str) {
        activity["emoji"] = json!({ "name": name, "id": custom.get("emoji_id") });
    }
    Ok(activity)
}

/// `GET /presence/{user_id}` — for the user, their friends, and those sharing a guild.
pub async fn user(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(user_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Value>> {
    let unknown = || ApiError::new(&code::UNKNOWN_USER);
    ctx.store.user(user_id).await?.ok_or_else(unknown)?;
    require_presence_grant(&ctx, &caller).await?;
    if caller.user_id != user_id {
        let pair = ctx.store.relationship_pair(caller.user_id, user_id).await?;
        let related = pair.mine_is(FRIEND) && !pair.blocked();
        if !related && ctx.store.shared_guilds(caller.user_id, user_id).await?.is_empty() {
            return Err(unknown());
        }
    }
    let presence = read(&ctx, &[user_id]).await.remove(&user_id).unwrap_or_else(Presence::offline);
    let seen = if presence.shown_status() == "offline" { last_seen(&ctx, user_id).await } else { None };
    Ok(axum::Json(shown(user_id, &presence, seen)))
}

/// `GET /presence/guild/{guild_id}` — the members who show as online (members only).
pub async fn guild(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<Value>>> {
    GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    require_presence_grant(&ctx, &caller).await?;
    let (mut online, mut after, mut scanned) = (Vec::new(), None, 0);
    while scanned < GUILD_SCAN {
        let members = ctx.store.members(guild_id, after, PAGE).await?;
        let ids: Vec<Snowflake> = members.iter().map(|m| m.user_id).collect();
        let presences = read(&ctx, &ids).await;
        for id in &ids {
            if let Some(p) = presences.get(id).filter(|p| p.shown_status() != "offline") {
                online.push(shown(*id, p, None));
            }
        }
        scanned += members.len();
        after = ids.last().copied();
        if members.len() < PAGE as usize {
            break;
        }
    }
    Ok(axum::Json(online))
}

/// Bots read presences only with the presence grant, as over the gateway (403 otherwise).
async fn require_presence_grant(ctx: &ServiceContext, caller: &Principal) -> ApiResult<()> {
    if !caller.is_bot() {
        return Ok(());
    }
    let app = ctx.store.application_by_bot(caller.user_id).await?;
    if app.is_some_and(|a| a.flags & PRESENCE_GRANTS != 0) { Ok(()) } else { Err(ApiError::new(&code::MISSING_ACCESS)) }
}

/// A presence as these routes answer it.
fn shown(user: Snowflake, presence: &Presence, last_seen: Option<u64>) -> Value {
    let mut out = presence.payload(user);
    out["user_id"] = json!(user);
    if let Some(ms) = last_seen {
        out["last_seen"] = json!(format_timestamp(ms));
    }
    out
}
