//! `POST /voice/join`, `POST /voice/leave` (seed 000), `GET /voice/ice-servers`, and the
//! stage and voice-state routes of [`stage`], and ringing in calls ([`call`]).

use accord_core::Snowflake;
use accord_service::extract::Json;
use accord_service::voice::state::{self, REST_SESSION_PREFIX, Requester, VoiceRequest};
use accord_service::{ApiError, ApiResult, Caller, Principal};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Voice;

mod call;
mod stage;

pub fn router() -> Router<Voice> {
    Router::new()
        .route("/voice/join", post(join))
        .route("/voice/leave", post(leave))
        .route("/voice/ice-servers", get(ice_servers))
        .merge(stage::router())
        .merge(call::router())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    channel_id: Snowflake,
    #[serde(default)]
    self_mute: bool,
    #[serde(default)]
    self_deaf: bool,
    #[serde(default)]
    self_video: bool,
}

/// Joins a voice channel without a gateway session: the answer carries what
/// VOICE_SERVER_UPDATE would, and the state lives while the media connection does.
async fn join(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Json(body): Json<JoinBody>,
) -> ApiResult<axum::Json<Value>> {
    let who = requester(&caller);
    let request = VoiceRequest {
        guild_id: None,
        channel_id: Some(body.channel_id),
        self_mute: body.self_mute,
        self_deaf: body.self_deaf,
        self_video: body.self_video,
    };
    let joined = state::request(&voice.ctx, &who, &request).await?.expect("a join with a channel answers a state");
    let server = joined.server.expect("a new REST session always gets a server");
    Ok(axum::Json(json!({
        "voice_state": joined.state,
        "token": server.token,
        "endpoint": server.endpoint,
        "ice_servers": voice.ice_servers(caller.user_id).ice_servers,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveBody {
    #[serde(default)]
    guild_id: Option<Snowflake>,
}

/// Leaves the voice channel in a guild, or every voice channel.
async fn leave(State(voice): State<Voice>, Caller(caller): Caller, body: Bytes) -> ApiResult<StatusCode> {
    let body: LeaveBody = if body.iter().all(u8::is_ascii_whitespace) {
        LeaveBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::invalid_field("guild_id", "BASE_TYPE_BAD", &e.to_string()))?
    };
    let request = VoiceRequest { guild_id: body.guild_id, ..VoiceRequest::default() };
    state::request(&voice.ctx, &requester(&caller), &request).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn ice_servers(State(voice): State<Voice>, Caller(caller): Caller) -> axum::Json<crate::ice::IceServers> {
    axum::Json(voice.ice_servers(caller.user_id))
}

fn requester(caller: &Principal) -> Requester {
    Requester {
        user_id: caller.user_id,
        bot: caller.is_bot(),
        session_id: format!("{REST_SESSION_PREFIX}{:016x}", rand::random::<u64>()),
    }
}
