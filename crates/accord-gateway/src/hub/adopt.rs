//! Taking over a session whose node died: load its checkpoint, follow what it followed,
//! replay the event log from the checkpoint through the same dispatch rules (putting saved
//! local frames back at their numbers), then resume it from the client's `seq` like a
//! session this node always held.

use std::collections::BTreeSet;
use std::sync::Arc;

use accord_bus::{Delivery, Topic};
use accord_service::ServiceContext;

use super::{AdoptRequest, Hub};
use crate::checkpoint::ResumeState;
use crate::session::{ResumeError, Session};

/// Events a replay may hold before the resume is refused (the client identifies afresh).
const REPLAY_LIMIT: usize = 50_000;

impl Hub {
    pub(super) async fn adopt(&mut self, request: AdoptRequest) -> Result<(Arc<Session>, u64), ResumeError> {
        let state = load_state(&self.ctx, &request).await.ok_or(ResumeError::Gone)?;
        let session = Session::adopted(state.identity(&request.session_id), request.limits, state.seq);
        let current = current_guilds(&self.ctx, &session).await.ok_or(ResumeError::Gone)?;
        {
            session.set_start(state.position);
            self.register(session.clone(), state.guilds.clone()).await
        }
        .map_err(|error| {
            tracing::warn!(%error, "taking over a session failed");
            ResumeError::Gone
        })?;
        self.checkpoints.adopted(&request.session_id, &state);
        let replayed = self.replay_into(&session, &state, current).await;
        let outcome = replayed.and_then(|()| session.resume(request.seq));
        if outcome.is_err() {
            session.end();
            self.checkpoints.forget(&request.session_id, false);
            self.remove(&session).await;
        }
        if outcome.is_ok() {
            // The dead node's claim on the user's presence lapses; this node holds it now.
            let identity = &session.identity;
            self.presence.adopt(identity.user_id, &identity.session_id, identity.bot).await;
        }
        outcome.map(|generation| (session, generation))
    }
}

async fn load_state(ctx: &ServiceContext, request: &AdoptRequest) -> Option<ResumeState> {
    let bytes = match ctx.bus.load_session(&request.session_id).await {
        Ok(bytes) => bytes?,
        Err(error) => {
            tracing::warn!(%error, "session state unavailable; the client will identify afresh");
            return None;
        }
    };
    let state: ResumeState = serde_json::from_slice(&bytes).ok()?;
    (state.user_id == request.user_id).then_some(state)
}

/// The user's guilds now: a guild joined after the checkpoint is replayed from the start
/// too, since its GUILD_CREATE may be in the range.
async fn current_guilds(ctx: &ServiceContext, session: &Session) -> Option<Vec<accord_core::Snowflake>> {
    let identity = &session.identity;
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = ctx.store.guilds_of_user(identity.user_id, after, 200).await.ok()?;
        after = page.last().map(|g| g.id);
        out.extend(page.iter().map(|g| g.id).filter(|id| identity.shard_has(*id)));
        if page.len() < 200 {
            return Some(out);
        }
    }
}

impl Hub {
    async fn replay_into(
        &mut self,
        session: &Arc<Session>,
        state: &ResumeState,
        current: Vec<accord_core::Snowflake>,
    ) -> Result<(), ResumeError> {
        let guilds: BTreeSet<_> = state.guilds.iter().copied().chain(current).collect();
        let topics: Vec<Topic> =
            guilds.into_iter().map(Topic::Guild).chain([Topic::User(session.identity.user_id)]).collect();
        // Up to the log's end, not just what this node has read: a node with few sessions
        // may be behind on quiet topics. The session then starts after the end, so the same
        // events arriving later through the node's subscription are not dispatched again.
        let until = self.ctx.bus.log_end().await.map_err(|error| {
            tracing::info!(%error, "cannot read the event log's end; the client will identify afresh");
            ResumeError::Gone
        })?;
        let replay = self.ctx.bus.replay(state.position, until, &topics, REPLAY_LIMIT).await;
        let deliveries: Vec<Delivery> = replay.map_err(|error| {
            tracing::info!(%error, "cannot replay a taken-over session; the client will identify afresh");
            ResumeError::Gone
        })?;
        let mut local = state.local.iter().peekable();
        let mut put_back_local = |session: &Session| {
            while let Some((seq, frame)) = local.next_if(|(seq, _)| *seq == session.last_seq() + 1) {
                debug_assert_eq!(*seq, session.last_seq() + 1);
                session.push_direct(Arc::from(frame.as_str()));
            }
        };
        for delivery in deliveries {
            put_back_local(session);
            self.on_event(&delivery.event, delivery.position, Some(session)).await;
        }
        put_back_local(session);
        session.set_start(until.max(state.position));
        Ok(())
    }
}
