//! Voice state changes made elsewhere — a moderator's mute, deafen, move or disconnect, the
//! gateway's opcode 4, a lapsed state, a deleted channel — reach this node on the bus and are
//! enforced on the participants connected here: new flags, or a closed media session.

use std::collections::BTreeSet;
use std::time::Duration;

use accord_api::voice::VoiceState;
use accord_bus::{Delivery, Topic};
use accord_core::Snowflake;

use crate::Voice;
use crate::node::Connection;
use crate::sfu::{Command, close};
use crate::signal::flags_of;

/// How often the followed topics are matched to the connected participants.
const RESYNC: Duration = Duration::from_millis(250);

/// Follows the guilds (and, for calls, the users) of this node's participants until the bus
/// closes.
pub async fn run(voice: Voice) {
    let mut subscription = match voice.ctx.bus.subscribe_topics().await {
        Ok(subscription) => subscription,
        Err(error) => {
            tracing::error!(%error, "voice node cannot follow voice state changes");
            return;
        }
    };
    let mut followed = BTreeSet::new();
    let mut resync = tokio::time::interval(RESYNC);
    loop {
        tokio::select! {
            delivery = subscription.next() => match delivery {
                Ok(delivery) => enforce(&voice, &delivery).await,
                Err(accord_bus::RecvError::Lagged(_)) => continue,
                Err(accord_bus::RecvError::Closed) => return,
            },
            _ = resync.tick() => {
                let wanted = topics(&voice.node.connections());
                let added: Vec<Topic> = wanted.difference(&followed).copied().collect();
                let removed: Vec<Topic> = followed.difference(&wanted).copied().collect();
                if !added.is_empty() && subscription.follow(&added, None).await.is_err() {
                    continue;
                }
                if !removed.is_empty() {
                    let _ = subscription.unfollow(&removed).await;
                }
                followed = wanted;
            }
        }
    }
}

/// A guild scope is followed on its guild; a call's on each connected participant's user.
fn topics(connections: &[Connection]) -> BTreeSet<Topic> {
    connections
        .iter()
        .map(|c| if c.scope == c.channel_id { Topic::User(c.user_id) } else { Topic::Guild(c.scope) })
        .collect()
}

async fn enforce(voice: &Voice, delivery: &Delivery) {
    let event = &delivery.event;
    let connections = voice.node.connections();
    match event.name.as_str() {
        "VOICE_STATE_UPDATE" => {
            let Ok(state) = serde_json::from_str::<VoiceState>(&event.data) else { return };
            let Some(scope) = state.guild_id.or(event.channel_id) else { return };
            let here = connections.iter().find(|c| c.scope == scope && c.user_id == state.user_id);
            let Some(connection) = here else { return };
            let command = if state.channel_id == Some(connection.channel_id) {
                Command::Flags { scope, user_id: state.user_id, flags: flags_of(&state) }
            } else {
                Command::Kick { scope, user_id: state.user_id, code: close::DISCONNECTED }
            };
            voice.sfu.send(command).await;
        }
        "CHANNEL_DELETE" => {
            let Some(channel) = event.channel_id.or_else(|| channel_id(&event.data)) else { return };
            for c in connections.iter().filter(|c| c.channel_id == channel) {
                voice.sfu.send(Command::Kick { scope: c.scope, user_id: c.user_id, code: close::DISCONNECTED }).await;
            }
        }
        _ => {}
    }
}

fn channel_id(data: &str) -> Option<Snowflake> {
    let value: serde_json::Value = serde_json::from_str(data).ok()?;
    value.get("id")?.as_str()?.parse().ok()
}
