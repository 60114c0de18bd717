//! `POST /channels/{c}/call/ring` and `/call/stop-ringing`: a recipient of a DM or group DM
//! rings others into its running call, or stops ringing (by default, itself).

use accord_core::{Snowflake, code};
use accord_service::access::ChannelAccess;
use accord_service::extract::Path;
use accord_service::voice::call;
use accord_service::{ApiError, ApiResult, Caller};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;

use crate::Voice;

pub fn router() -> Router<Voice> {
    Router::new()
        .route("/channels/{channel_id}/call/ring", post(ring))
        .route("/channels/{channel_id}/call/stop-ringing", post(stop_ringing))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recipients {
    #[serde(default)]
    recipients: Option<Vec<Snowflake>>,
}

fn parse(body: &Bytes) -> ApiResult<Recipients> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Recipients::default());
    }
    serde_json::from_slice(body).map_err(|e| ApiError::invalid_field("recipients", "BASE_TYPE_BAD", &e.to_string()))
}

/// Rings the named recipients, or everyone not in the call.
async fn ring(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path(channel): Path<Snowflake>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    change(&voice, caller.user_id, channel, body, true).await
}

/// Stops ringing the named recipients, or the caller.
async fn stop_ringing(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path(channel): Path<Snowflake>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    change(&voice, caller.user_id, channel, body, false).await
}

async fn change(voice: &Voice, caller: Snowflake, channel: Snowflake, body: Bytes, on: bool) -> ApiResult<StatusCode> {
    let body = parse(&body)?;
    let access = ChannelAccess::require(voice.ctx.store.as_ref(), channel, caller).await?;
    let private = access.private.ok_or(ApiError::new(&code::WRONG_CHANNEL_TYPE))?;
    let named = match body.recipients {
        Some(named) => named,
        None if on => private.recipients.iter().copied().filter(|r| *r != caller).collect(),
        None => vec![caller],
    };
    call::ring(&voice.ctx, channel, &private.recipients, &named, on).await?;
    Ok(StatusCode::NO_CONTENT)
}
