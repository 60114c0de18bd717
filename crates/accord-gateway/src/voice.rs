//! Opcode 4 (Voice State Update): joining, moving and leaving voice channels from a gateway
//! session, answered with VOICE_SERVER_UPDATE to that session alone (the guild hears
//! VOICE_STATE_UPDATE from the bus). The session holds the voice states it joins: this node
//! renews them while it lives, and removes them when it ends for good.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use accord_core::Snowflake;
use accord_service::ServiceContext;
use accord_service::voice::state::{self, HOLD_TTL, RENEW_EVERY, Requester, VoiceRequest};
use serde_json::Value;

use crate::protocol::{Close, dispatch_head};
use crate::session::Session;

/// By session id: the user, and the scopes (guilds, calls) it holds a voice state in.
type Held = HashMap<String, (Snowflake, Vec<Snowflake>)>;

/// The voice states this node's sessions hold.
#[derive(Clone, Default)]
pub struct VoiceHolds(Arc<Mutex<Held>>);

impl VoiceHolds {
    /// Starts renewing the held states.
    pub fn start(ctx: ServiceContext) -> Self {
        let holds = Self::default();
        let renewing = holds.clone();
        tokio::spawn(async move {
            let mut beat = tokio::time::interval(RENEW_EVERY);
            loop {
                beat.tick().await;
                let held = renewing.held();
                if !held.is_empty()
                    && let Err(error) = ctx.kv.voice_renew(&held, HOLD_TTL).await
                {
                    tracing::warn!(%error, "voice states not renewed");
                }
            }
        });
        holds
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn held(&self) -> Vec<(Snowflake, Snowflake)> {
        self.lock().values().flat_map(|(user, scopes)| scopes.iter().map(|s| (*s, *user))).collect()
    }

    fn hold(&self, session: &str, user: Snowflake, scope: Snowflake, held: bool) {
        let mut holds = self.lock();
        let entry = holds.entry(session.to_owned()).or_insert_with(|| (user, Vec::new()));
        entry.1.retain(|s| *s != scope);
        if held {
            entry.1.push(scope);
        }
        if entry.1.is_empty() {
            holds.remove(session);
        }
    }

    /// The session ended for good: its voice states go with it.
    pub async fn session_ended(&self, ctx: &ServiceContext, user: Snowflake, session: &str) {
        let Some((_, scopes)) = self.lock().remove(session) else { return };
        for scope in scopes {
            if let Err(error) = state::leave(ctx, scope, user, Some(session)).await {
                tracing::warn!(?error, "an ended session's voice state stays until it lapses");
            }
        }
    }
}

/// Applies an opcode 4 from `session`; the frames for the session itself (VOICE_SERVER_UPDATE
/// when it entered a channel). Requests Discord would ignore (no access, a full channel) get
/// no answer, as there.
pub async fn update(
    ctx: &ServiceContext,
    holds: &VoiceHolds,
    session: &Session,
    d: Value,
) -> Result<Vec<Arc<str>>, Close> {
    let request: VoiceRequest = serde_json::from_value(d).map_err(|_| Close::DecodeError)?;
    let identity = &session.identity;
    let who = Requester { user_id: identity.user_id, bot: identity.bot, session_id: identity.session_id.clone() };
    let previous = ctx.kv.voice_scopes_of(identity.user_id).await.unwrap_or_default();
    let joined = match state::request(ctx, &who, &request).await {
        Ok(joined) => joined,
        Err(error) => {
            tracing::debug!(code = error.code.name, "voice state update refused");
            return Ok(Vec::new());
        }
    };
    let Some(joined) = joined else {
        for scope in request.guild_id.map_or(previous, |g| vec![g]) {
            holds.hold(&identity.session_id, identity.user_id, scope, false);
        }
        return Ok(Vec::new());
    };
    let scope = joined.state.guild_id.or(joined.state.channel_id).expect("a joined state has a channel");
    if !identity.bot {
        for other in previous.into_iter().filter(|s| *s != scope) {
            holds.hold(&identity.session_id, identity.user_id, other, false);
        }
    }
    holds.hold(&identity.session_id, identity.user_id, scope, true);
    let Some(server) = joined.server else { return Ok(Vec::new()) };
    let data = serde_json::to_string(&server).expect("voice servers serialise");
    Ok(vec![Arc::from(dispatch_head("VOICE_SERVER_UPDATE", &data))])
}
