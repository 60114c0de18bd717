//! The handshake: Identify (authenticate, check intents and shard, register the session,
//! queue READY and the GUILD_CREATEs) and Resume (re-attach a held session and replay).

use std::sync::Arc;
use std::time::Instant;

use accord_core::Snowflake;
use accord_service::principal::authenticate;
use accord_service::{Principal, PrincipalKind, ServiceContext, private};
use rand::RngCore;
use serde_json::{Value, json};

use super::{Connection, Exit, Phase, to_presence};
use crate::hub::AdoptRequest;
use crate::metrics::GatewayMetrics;
use crate::presence::{Joining, platform};
use crate::protocol::{self, Close, Identify, Resume};
use crate::read_state::read_state;
use crate::session::{Identity, Limits, ResumeError, Session};
use crate::{intents, ready};

/// A token as sent in Identify or Resume: `Bot x` is a bot token; a bare one is tried as a
/// bot token, then as a user's access token.
async fn principal_of(ctx: &ServiceContext, token: &str) -> Result<Principal, Exit> {
    let fail = |_| Exit::Close(Close::AuthenticationFailed);
    match protocol::bare_token(token) {
        (bare, true) => authenticate(ctx, &format!("Bot {bare}")).await.map_err(fail),
        (bare, false) => match authenticate(ctx, &format!("Bot {bare}")).await {
            Ok(principal) => Ok(principal),
            Err(_) => authenticate(ctx, bare).await.map_err(fail),
        },
    }
}

/// The user's guilds that belong to this session's shard.
async fn guild_ids(ctx: &ServiceContext, identity: &Identity) -> accord_store::StoreResult<Vec<Snowflake>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = ctx.store.guilds_of_user(identity.user_id, after, 200).await?;
        after = page.last().map(|g| g.id);
        out.extend(page.iter().map(|g| g.id).filter(|id| identity.shard_has(*id)));
        if page.len() < 200 {
            return Ok(out);
        }
    }
}

/// The node's boot id, then 128 random bits: a restarted node knows none of its old ids.
fn new_session_id(boot: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let random: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{boot}{random}")
}

impl Connection {
    pub(super) async fn identify(&mut self, d: Value) -> Result<(), Exit> {
        let identify: Identify = serde_json::from_value(d).map_err(|_| Exit::Close(Close::DecodeError))?;
        let principal = principal_of(&self.gw.ctx, &identify.token).await?;
        let intents =
            identify.intents.filter(|i| i & !intents::KNOWN == 0).ok_or(Exit::Close(Close::InvalidIntents))?;
        let ctx = self.gw.ctx.clone();
        let store_failed = |_| Exit::Close(Close::UnknownError);
        let bot = principal.kind == PrincipalKind::Bot;
        let application = if bot {
            let app = ctx.store.application_by_bot(principal.user_id).await.map_err(store_failed)?;
            let app = app.ok_or(Exit::Close(Close::AuthenticationFailed))?;
            if !intents::allowed_for_bot(intents, app.flags) {
                return Err(Exit::Close(Close::DisallowedIntents));
            }
            Some((app.id, app.flags))
        } else {
            None
        };
        let shard = identify.shard.unwrap_or([0, 1]);
        if shard[1] == 0 || shard[0] >= shard[1] {
            return Err(Exit::Close(Close::InvalidShard));
        }
        let user = ctx.store.user(principal.user_id).await.map_err(store_failed)?;
        let user = user.ok_or(Exit::Close(Close::AuthenticationFailed))?;
        let identity = Identity {
            session_id: new_session_id(&self.gw.boot),
            user_id: user.id,
            bot,
            intents,
            shard: (shard[0], shard[1]),
            auth_session: match principal.kind {
                PrincipalKind::User { session_id } => Some(session_id),
                PrincipalKind::Bot => None,
            },
        };
        let guilds = guild_ids(&ctx, &identity).await.map_err(store_failed)?;
        let (session, generation) = Session::new(identity.clone(), Limits::from(self.gw.config.as_ref()));
        self.gw.hub.register(session.clone(), guilds.clone()).await.map_err(|_| Exit::Close(Close::UnknownError))?;
        self.phase = Phase::Active { session: session.clone(), generation };
        self.last_heartbeat = Instant::now();
        // A revocation published before the registration is not dispatched to this session:
        // look again now that it is registered (anything later reaches it through the hub).
        if let Some(login) = identity.auth_session {
            let live = ctx.store.session(login).await.map_err(store_failed)?;
            if live.is_none_or(|s| s.revoked) {
                return Err(Exit::Close(Close::AuthenticationFailed));
            }
        }
        let mut ready = ready::ready(&identity, &user, &guilds, &self.params.resume_url, application, identify.shard);
        if !bot {
            let store = ctx.store.as_ref();
            ready["read_state"] = read_state(&ctx, user.id, &guilds).await.map_err(store_failed)?;
            ready["private_channels"] = json!(private::views_of(store, user.id).await.map_err(store_failed)?);
            ready["relationships"] = json!(private::relationships_of(store, user.id).await.map_err(store_failed)?);
        }
        session.push_direct(Arc::from(protocol::dispatch_head("READY", &ready.to_string())));
        if identity.wants(intents::GUILDS) {
            let threshold = identify.large_threshold.unwrap_or(50).clamp(50, 250);
            for guild_id in &guilds {
                let payload = ready::guild_create(&ctx, &self.gw.presence, &identity, &user, *guild_id, threshold)
                    .await
                    .map_err(store_failed)?;
                if let Some(payload) = payload {
                    session.push_direct(Arc::from(protocol::dispatch_head("GUILD_CREATE", &payload)));
                }
            }
        }
        session.release();
        self.gw.hub.started(session.clone()).await;
        let joining = Joining {
            user: user.id,
            session_id: identity.session_id.clone(),
            platform: platform(identify.properties.as_ref()),
            bot,
            initial: identify.presence.as_ref().and_then(to_presence),
        };
        // READY goes out first: the presence's settings read and shared-state write are not
        // the client's to wait for.
        let flushed = self.flush().await;
        self.gw.presence.session_started(joining).await;
        flushed
    }

    pub(super) async fn resume(&mut self, d: Value) -> Result<(), Exit> {
        let resume: Resume = serde_json::from_value(d).map_err(|_| Exit::Close(Close::DecodeError))?;
        let principal = principal_of(&self.gw.ctx, &resume.token).await?;
        let seq = resume.seq.unwrap_or(0);
        let outcome = if resume.session_id.starts_with(self.gw.boot.as_ref()) {
            let found = self.gw.hub.find(resume.session_id.clone()).await;
            match found.filter(|s| s.identity.user_id == principal.user_id) {
                Some(session) => session.resume(seq).map(|generation| (session, generation)),
                None => Err(ResumeError::Gone),
            }
        } else {
            // Another node's session (it died, or the client was sent elsewhere): take it over.
            let request = AdoptRequest {
                session_id: resume.session_id.clone(),
                user_id: principal.user_id,
                seq,
                limits: Limits::from(self.gw.config.as_ref()),
            };
            self.gw.hub.adopt(request).await
        };
        match outcome {
            Ok((session, generation)) => {
                GatewayMetrics::count(&self.gw.metrics.resume_success);
                let resumed = Arc::from(protocol::dispatch_head("RESUMED", "{}"));
                self.gw.hub.push_local(session.clone(), vec![resumed]).await;
                self.phase = Phase::Active { session, generation };
                self.last_heartbeat = Instant::now();
                self.flush().await
            }
            Err(ResumeError::SeqAhead) => {
                GatewayMetrics::count(&self.gw.metrics.resume_failure);
                Err(Exit::Close(Close::InvalidSeq))
            }
            Err(ResumeError::Gone) => {
                GatewayMetrics::count(&self.gw.metrics.resume_failure);
                self.send_now(protocol::invalid_session(false)).await
            }
        }
    }
}
