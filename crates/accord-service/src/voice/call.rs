//! Calls in DMs and group DMs: the first participant to join starts a call that rings the
//! other recipients (CALL_CREATE), joining stops one's ringing (CALL_UPDATE), and the call
//! ends with its last participant (CALL_DELETE). Recipients may ring others again or stop
//! their own ringing. The ringing list lives in the shared state beside the voice states.

use std::sync::Arc;
use std::time::Duration;

use accord_api::voice::VoiceState;
use accord_core::{Snowflake, code};
use serde::{Deserialize, Serialize};

use crate::voice::state;
use crate::{ApiError, ServiceContext};

/// How long a call's record lasts without a change (a call left behind by a dead node ends).
const KEEP: Duration = Duration::from_secs(24 * 3600);

/// A running call as CALL_CREATE and CALL_UPDATE describe it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Call {
    pub channel_id: Snowflake,
    /// Accord posts no call message.
    pub message_id: Option<Snowflake>,
    pub region: String,
    pub ringing: Vec<Snowflake>,
}

fn key(channel: Snowflake) -> String {
    format!("call:{channel}")
}

pub async fn current(ctx: &ServiceContext, channel: Snowflake) -> Result<Option<Call>, ApiError> {
    Ok(ctx.kv.cache_get(&key(channel)).await?.and_then(|s| serde_json::from_str(&s).ok()))
}

/// `joined` entered the call of `channel`: starts it (ringing everyone else in `recipients`)
/// or stops ringing them.
pub async fn joined(ctx: &ServiceContext, channel: Snowflake, recipients: &[Snowflake], joined: &VoiceState) {
    let outcome = match current(ctx, channel).await {
        Ok(Some(mut call)) => {
            call.ringing.retain(|u| *u != joined.user_id);
            save(ctx, &call, recipients, "CALL_UPDATE").await
        }
        Ok(None) => {
            let ringing = recipients.iter().copied().filter(|u| *u != joined.user_id).collect();
            let call = Call { channel_id: channel, message_id: None, region: "local".into(), ringing };
            let value = serde_json::to_string(&call).expect("calls serialise");
            match ctx.kv.cache_set_if_absent(&key(channel), &value, KEEP).await {
                Ok(true) => {
                    let states = state::states_in(ctx, channel).await.unwrap_or_default();
                    let mut payload = serde_json::to_value(&call).expect("calls serialise");
                    payload["voice_states"] = serde_json::to_value(states).expect("voice states serialise");
                    announce(ctx, recipients, "CALL_CREATE", &payload).await;
                    Ok(())
                }
                // Two joined at once: the other started it.
                Ok(false) => Ok(()),
                Err(error) => Err(error.into()),
            }
        }
        Err(error) => Err(error),
    };
    if let Err(error) = outcome {
        tracing::warn!(code = error.code.name, "call not updated");
    }
}

/// The call of `channel` lost its last participant.
pub async fn ended(ctx: &ServiceContext, channel: Snowflake, recipients: &[Snowflake]) {
    if ctx.kv.cache_remove(&key(channel)).await.unwrap_or(false) {
        announce(ctx, recipients, "CALL_DELETE", &serde_json::json!({ "channel_id": channel })).await;
    }
}

/// Rings `users` (recipients not in the call) again, or stops ringing them.
pub async fn ring(
    ctx: &ServiceContext,
    channel: Snowflake,
    recipients: &[Snowflake],
    users: &[Snowflake],
    on: bool,
) -> Result<Call, ApiError> {
    let mut call = current(ctx, channel).await?.ok_or(ApiError::new(&code::UNKNOWN_CALL))?;
    let in_call: Vec<Snowflake> = state::states_in(ctx, channel).await?.iter().map(|s| s.user_id).collect();
    for user in users.iter().filter(|u| recipients.contains(u)) {
        call.ringing.retain(|r| r != user);
        if on && !in_call.contains(user) {
            call.ringing.push(*user);
        }
    }
    save(ctx, &call, recipients, "CALL_UPDATE").await?;
    Ok(call)
}

async fn save(ctx: &ServiceContext, call: &Call, recipients: &[Snowflake], name: &str) -> Result<(), ApiError> {
    let value = serde_json::to_string(call).expect("calls serialise");
    ctx.kv.cache_set(&key(call.channel_id), &value, KEEP).await?;
    announce(ctx, recipients, name, call).await;
    Ok(())
}

async fn announce(ctx: &ServiceContext, recipients: &[Snowflake], name: &str, data: &impl Serialize) {
    let event = ctx.event(name, None, None, recipients.to_vec(), data);
    if let Err(error) = ctx.bus.publish(Arc::new(event)).await {
        tracing::warn!(%error, "call event not published");
    }
}
