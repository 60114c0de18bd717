//! Voice states: joining, moving, changing and leaving, with the checks Discord makes
//! (channel type, CONNECT, `user_limit` unless MOVE_MEMBERS), one state per person (a bot
//! may hold one per guild), and VOICE_STATE_UPDATE published to whoever sees the channel.
//!
//! States live in the shared state ([`accord_kv::VoiceKv`]), keyed by scope: the guild, or
//! the private channel of a call. Each expires unless a holder renews it: the gateway session
//! that joined, or the voice node carrying the user's media.

use std::sync::Arc;
use std::time::Duration;

use accord_api::voice::{VoiceServer, VoiceState};
use accord_core::{Permissions, Snowflake, code};
use accord_kv::{VoiceEntry, VoicePut};
use accord_store::ChannelRecord;

use crate::access::ChannelAccess;
use crate::render::{self, is_voice_kind};
use crate::voice::grant::VoiceGrant;
use crate::voice::placement;
use crate::{ApiError, ServiceContext};

/// How long a new state lives before a holder renews it: time to open the media connection.
pub const JOIN_TTL: Duration = Duration::from_secs(60);
/// How long a held state lives after each renewal; holders renew every [`RENEW_EVERY`].
pub const HOLD_TTL: Duration = Duration::from_secs(30);
pub const RENEW_EVERY: Duration = Duration::from_secs(10);
/// How long a voice token opens a media connection.
pub const TOKEN_TTL_SECS: u64 = 60;
/// The start of the session id of a voice state joined over REST, which lives as long as its
/// media connection (a gateway session holds the states it joins).
pub const REST_SESSION_PREFIX: &str = "rest-";
/// Discord's stage channel type.
pub const STAGE: u8 = 13;
/// Compare-and-swap attempts before a concurrent change wins.
const ATTEMPTS: usize = 8;

/// What a client asks for (gateway opcode 4, `POST /voice/join`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct VoiceRequest {
    #[serde(default)]
    pub guild_id: Option<Snowflake>,
    /// None leaves.
    #[serde(default)]
    pub channel_id: Option<Snowflake>,
    #[serde(default)]
    pub self_mute: bool,
    #[serde(default)]
    pub self_deaf: bool,
    #[serde(default)]
    pub self_video: bool,
}

/// Who asks: the user, whether a bot, and the session the state belongs to.
#[derive(Debug, Clone)]
pub struct Requester {
    pub user_id: Snowflake,
    pub bot: bool,
    pub session_id: String,
}

/// A state after a join or change, and where to connect media when that is new.
#[derive(Debug, Clone)]
pub struct Joined {
    pub state: VoiceState,
    /// Set when the user entered a channel (or changed session): VOICE_SERVER_UPDATE.
    pub server: Option<VoiceServer>,
}

/// Joins, moves within the scope, changes self flags, or (without a channel) leaves.
pub async fn request(ctx: &ServiceContext, who: &Requester, req: &VoiceRequest) -> Result<Option<Joined>, ApiError> {
    let Some(channel_id) = req.channel_id else {
        match req.guild_id {
            Some(scope) => drop(leave(ctx, scope, who.user_id, None).await?),
            None => leave_everywhere(ctx, who.user_id).await?,
        }
        return Ok(None);
    };
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, who.user_id).await?;
    let channel = &access.channel;
    let scope = match (channel.guild_id, req.guild_id) {
        (Some(guild), Some(asked)) if guild != asked => return Err(ApiError::new(&code::UNKNOWN_CHANNEL)),
        (Some(guild), _) if is_voice_kind(channel.kind) => guild,
        (None, None) => channel.id,
        _ => return Err(ApiError::new(&code::WRONG_CHANNEL_TYPE)),
    };
    access.require_permission(Permissions::CONNECT)?;
    // A block between the two of a DM stops their calls, as it stops their messages.
    if let Some(private) = access.private.as_ref().filter(|p| p.channel.kind == accord_store::private_channels::DM) {
        for other in private.others(who.user_id) {
            if ctx.store.relationship_pair(who.user_id, other).await?.blocked() {
                return Err(ApiError::new(&code::CANNOT_MESSAGE_USER));
            }
        }
    }
    let limit = channel.user_limit.filter(|n| *n > 0 && !access.permissions.contains(Permissions::MOVE_MEMBERS));
    let current = state_of(ctx, scope, who.user_id).await?;
    let same_place =
        current.as_ref().is_some_and(|s| s.channel_id == Some(channel_id) && s.session_id == who.session_id);
    let mut state = match current.clone().filter(|_| same_place) {
        Some(state) => state,
        None => fresh_state(&access, who),
    };
    state.self_mute = req.self_mute;
    state.self_deaf = req.self_deaf;
    state.self_video = req.self_video;
    if !who.bot {
        for other in ctx.kv.voice_scopes_of(who.user_id).await?.into_iter().filter(|s| *s != scope) {
            leave(ctx, other, who.user_id, None).await?;
        }
    }
    let value = serde_json::to_string(&state).expect("voice states serialise");
    match ctx.kv.voice_put(scope, who.user_id, channel_id, &value, limit, JOIN_TTL).await? {
        VoicePut::Full => return Err(ApiError::new(&code::VOICE_CHANNEL_FULL)),
        VoicePut::Stored { .. } => {}
    }
    if current.as_ref() != Some(&state) {
        publish(ctx, scope, &state, channel_id).await;
    }
    if let (Some(private), false) = (&access.private, same_place) {
        crate::voice::call::joined(ctx, scope, &private.recipients, &state).await;
    }
    let server = if same_place { None } else { Some(server_for(ctx, scope, &state, channel).await) };
    Ok(Some(Joined { state, server }))
}

/// A state for someone entering `access`'s channel: server mute and deafen come from the
/// membership, and a stage's audience starts suppressed.
fn fresh_state(access: &ChannelAccess, who: &Requester) -> VoiceState {
    let member = access.member();
    VoiceState {
        guild_id: access.channel.guild_id,
        channel_id: Some(access.channel.id),
        user_id: who.user_id,
        member: None,
        session_id: who.session_id.clone(),
        deaf: member.is_some_and(|m| m.deaf),
        mute: member.is_some_and(|m| m.mute),
        self_deaf: false,
        self_mute: false,
        self_stream: false,
        self_video: false,
        suppress: access.channel.kind == STAGE,
        request_to_speak_timestamp: None,
    }
}

/// VOICE_SERVER_UPDATE for a state: a token for its session and the node hosting its channel.
async fn server_for(
    ctx: &ServiceContext,
    scope: Snowflake,
    state: &VoiceState,
    channel: &ChannelRecord,
) -> VoiceServer {
    let grant = VoiceGrant {
        user_id: state.user_id,
        scope,
        guild_id: channel.guild_id,
        channel_id: channel.id,
        session_id: state.session_id.clone(),
        expires: accord_core::time::now_ms() / 1000 + TOKEN_TTL_SECS,
    };
    let node = placement::place(&ctx.kv, channel.id).await;
    VoiceServer {
        token: grant.sign(&ctx.tokens),
        guild_id: channel.guild_id,
        channel_id: channel.id,
        endpoint: node.map(|n| n.endpoint),
    }
}

/// The user's live state in `scope`.
pub async fn state_of(ctx: &ServiceContext, scope: Snowflake, user: Snowflake) -> Result<Option<VoiceState>, ApiError> {
    Ok(ctx.kv.voice_list(scope).await?.into_iter().find(|e| e.user == user).and_then(|e| decode(&e)))
}

/// Every live state in `scope`.
pub async fn states_in(ctx: &ServiceContext, scope: Snowflake) -> Result<Vec<VoiceState>, ApiError> {
    Ok(ctx.kv.voice_list(scope).await?.iter().filter_map(decode).collect())
}

fn decode(entry: &VoiceEntry) -> Option<VoiceState> {
    serde_json::from_str(&entry.value).ok()
}

/// Changes the user's live state in `scope` with `change` (compare-and-swap, so concurrent
/// changes both apply) and announces it. `session`, when given, must be the state's own.
/// None when the user has no state there (or not that session).
pub async fn modify(
    ctx: &ServiceContext,
    scope: Snowflake,
    user: Snowflake,
    session: Option<&str>,
    change: impl Fn(&mut VoiceState),
) -> Result<Option<VoiceState>, ApiError> {
    for _ in 0..ATTEMPTS {
        let entries = ctx.kv.voice_list(scope).await?;
        let Some(entry) = entries.into_iter().find(|e| e.user == user) else { return Ok(None) };
        let Some(mut state) = decode(&entry) else { return Ok(None) };
        if session.is_some_and(|s| s != state.session_id) {
            return Ok(None);
        }
        let before = state.clone();
        change(&mut state);
        if state == before {
            return Ok(Some(state));
        }
        let value = serde_json::to_string(&state).expect("voice states serialise");
        if ctx.kv.voice_swap(scope, user, &entry.value, entry.channel, &value, HOLD_TTL).await? {
            publish(ctx, scope, &state, entry.channel).await;
            return Ok(Some(state));
        }
    }
    Err(ApiError::new(&code::SERVICE_UNAVAILABLE))
}

/// Moves the user's state (of `session`) to `channel` of the same scope, whatever its limit (a
/// moderator's move); a stage's audience arrives suppressed. False when the state changed
/// meanwhile.
pub async fn relocate(
    ctx: &ServiceContext,
    scope: Snowflake,
    user: Snowflake,
    session: &str,
    channel: Snowflake,
    stage: bool,
) -> Result<bool, ApiError> {
    let Some(entry) = ctx.kv.voice_list(scope).await?.into_iter().find(|e| e.user == user) else { return Ok(false) };
    let Some(mut state) = decode(&entry).filter(|s| s.session_id == session) else { return Ok(false) };
    state.channel_id = Some(channel);
    state.suppress = stage;
    state.request_to_speak_timestamp = None;
    state.self_stream = false;
    let value = serde_json::to_string(&state).expect("voice states serialise");
    if !ctx.kv.voice_swap(scope, user, &entry.value, channel, &value, HOLD_TTL).await? {
        return Ok(false);
    }
    publish(ctx, scope, &state, channel).await;
    Ok(true)
}

/// Removes the user's state in `scope` (only `session`'s, when given) and announces it.
/// Returns the state removed.
pub async fn leave(
    ctx: &ServiceContext,
    scope: Snowflake,
    user: Snowflake,
    session: Option<&str>,
) -> Result<Option<VoiceState>, ApiError> {
    for _ in 0..ATTEMPTS {
        let Some(entry) = ctx.kv.voice_list(scope).await?.into_iter().find(|e| e.user == user) else {
            return Ok(None);
        };
        let state = decode(&entry);
        if session.is_some_and(|s| state.as_ref().is_none_or(|st| st.session_id != s)) {
            return Ok(None);
        }
        if ctx.kv.voice_remove(scope, user, Some(&entry.value)).await?.is_some() {
            if let Some(state) = &state {
                announce_left(ctx, scope, state, entry.channel).await;
            }
            return Ok(state);
        }
    }
    Err(ApiError::new(&code::SERVICE_UNAVAILABLE))
}

/// A member left the guild (kicked, banned, or gone by themselves): out of its voice too. A
/// failure leaves the state to lapse.
pub async fn left_guild(ctx: &ServiceContext, guild: Snowflake, user: Snowflake) {
    if let Err(error) = leave(ctx, guild, user, None).await {
        tracing::warn!(code = error.code.name, "a departed member's voice state stays until it lapses");
    }
}

/// A voice channel was deleted: everyone in it leaves (their media closes as they do).
pub async fn channel_deleted(ctx: &ServiceContext, guild: Snowflake, channel: Snowflake) {
    let Ok(entries) = ctx.kv.voice_list(guild).await else { return };
    for entry in entries.into_iter().filter(|e| e.channel == channel) {
        if let Err(error) = leave(ctx, guild, entry.user, None).await {
            tracing::warn!(code = error.code.name, "a deleted channel's voice state stays until it lapses");
        }
    }
}

/// Leaves every scope the user is in.
pub async fn leave_everywhere(ctx: &ServiceContext, user: Snowflake) -> Result<(), ApiError> {
    for scope in ctx.kv.voice_scopes_of(user).await? {
        leave(ctx, scope, user, None).await?;
    }
    Ok(())
}

/// Announces the states whose holders stopped renewing them. Any process may run it; each
/// lapsed state is announced once.
pub async fn announce_lapsed(ctx: &ServiceContext) -> Result<usize, ApiError> {
    let lapsed = ctx.kv.voice_take_expired(500).await?;
    for entry in &lapsed {
        if let Some(state) = decode(entry) {
            announce_left(ctx, entry.scope, &state, entry.channel).await;
        }
    }
    Ok(lapsed.len())
}

async fn announce_left(ctx: &ServiceContext, scope: Snowflake, state: &VoiceState, channel: Snowflake) {
    let mut left = state.clone();
    left.channel_id = None;
    left.self_stream = false;
    left.self_video = false;
    left.suppress = false;
    left.request_to_speak_timestamp = None;
    publish(ctx, scope, &left, channel).await;
    // A stage, or a call, ends with its last participant.
    let empty = ctx.kv.voice_list(scope).await.is_ok_and(|all| all.iter().all(|e| e.channel != channel));
    if !empty {
        return;
    }
    if state.guild_id.is_some() {
        if let Err(error) = crate::voice::stage::end_now(ctx, channel).await {
            tracing::warn!(code = error.code.name, "an emptied stage stays open");
        }
    } else if let Ok(Some(private)) = ctx.store.private_channel(scope).await {
        crate::voice::call::ended(ctx, scope, &private.recipients).await;
    }
}

/// VOICE_STATE_UPDATE to whoever sees `channel`: its guild (with the member), or a call's
/// recipients. Voice states are ephemeral, so the event skips the outbox as typing does.
pub async fn publish(ctx: &ServiceContext, scope: Snowflake, state: &VoiceState, channel: Snowflake) {
    let mut payload = state.clone();
    let (guild_id, recipients) = match state.guild_id {
        Some(guild) => {
            let member = ctx.store.member(guild, state.user_id).await.ok().flatten();
            let user = ctx.store.user(state.user_id).await.ok().flatten();
            payload.member = member.map(|m| render::member(&m, user.as_ref()));
            (Some(guild), Vec::new())
        }
        None => {
            let private = ctx.store.private_channel(scope).await.ok().flatten();
            (None, private.map(|p| p.recipients).unwrap_or_default())
        }
    };
    let event = ctx.event("VOICE_STATE_UPDATE", guild_id, Some(channel), recipients, &payload);
    if let Err(error) = ctx.bus.publish(Arc::new(event)).await {
        tracing::warn!(%error, "voice state update not published");
    }
}
