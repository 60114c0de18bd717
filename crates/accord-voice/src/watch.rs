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
            _ = resync.tick() => {}
            _ = voice.node.joined.notified() => {}
        }
        let connections = voice.node.connections();
        let wanted = topics(&connections);
        let added: Vec<Topic> = wanted.difference(&followed).copied().collect();
        let removed: Vec<Topic> = followed.difference(&wanted).copied().collect();
        if !added.is_empty() {
            if subscription.follow(&added, None).await.is_err() {
                continue;
            }
            // Changes made before the topic was followed were not heard: check those states now.
            for connection in connections.iter().filter(|c| added.contains(&topic(c))) {
                recheck(&voice, connection).await;
            }
        }
        if !removed.is_empty() {
            let _ = subscription.unfollow(&removed).await;
        }
        followed = wanted;
    }
}

/// Enforces a connected participant's voice state as it is now.
async fn recheck(voice: &Voice, connection: &Connection) {
    let (scope, user_id) = (connection.scope, connection.user_id);
    let Ok(state) = accord_service::voice::state::state_of(&voice.ctx, scope, user_id).await else { return };
    let command = match state {
        Some(state) if state.channel_id == Some(connection.channel_id) => {
            Command::Flags { scope, user_id, flags: flags_of(&state) }
        }
        _ => Command::Kick { scope, user_id, code: close::DISCONNECTED },
    };
    voice.sfu.send(command).await;
}

/// A guild scope is followed on its guild; a call's on each connected participant's user.
fn topic(c: &Connection) -> Topic {
    if c.scope == c.channel_id { Topic::User(c.user_id) } else { Topic::Guild(c.scope) }
}

fn topics(connections: &[Connection]) -> BTreeSet<Topic> {
    connections.iter().map(topic).collect()
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
