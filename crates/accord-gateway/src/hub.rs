//! The hub: one task per node that owns the registry of sessions and the caches of the
//! guilds they follow, consumes the bus once (only the topics of its sessions' guilds and
//! users), and queues each event to exactly the sessions that may see it. Connections talk
//! to it through [`HubHandle`]; everything it does happens in bus order, so registrations,
//! permission changes, checkpoints and dispatch never race.
//!
//! Parts: `follow` (registering sessions, following guilds and users), `dispatch` (who gets
//! an event), `adopt` (taking over a session from a node that died), `revoke` (closing the
//! sessions of revoked logins).

mod adopt;
mod dispatch;
mod follow;
mod revoke;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use accord_bus::{RecvError, Subscription};
use accord_core::Snowflake;
use accord_service::ServiceContext;
use tokio::sync::{mpsc, oneshot};

use crate::checkpoint::Checkpoints;
use crate::guild_cache::GuildCache;
use crate::metrics::GatewayMetrics;
use crate::presence::PresenceBook;
use crate::protocol::Close;
use crate::session::{Limits, ResumeError, Session};
use crate::voice::VoiceHolds;

/// Requests from connections.
pub enum Command {
    /// Follow these guilds for a new session; answers once it is registered.
    Register { session: Arc<Session>, guilds: Vec<Snowflake>, done: oneshot::Sender<Result<(), String>> },
    /// The session's READY and GUILD_CREATEs are queued: save its first checkpoint.
    Started { session: Arc<Session>, done: oneshot::Sender<()> },
    /// Queue frames that do not come from the event log (RESUMED, member chunks).
    PushLocal { session: Arc<Session>, frames: Vec<Arc<str>>, done: oneshot::Sender<()> },
    /// The session with this id, if the node still holds it.
    Find { session_id: String, reply: oneshot::Sender<Option<Arc<Session>>> },
    /// Take over a session another node held, and attach it for a resume from `seq`.
    Adopt { request: AdoptRequest, reply: oneshot::Sender<Result<(Arc<Session>, u64), ResumeError>> },
}

/// A resume of a session this node does not hold.
pub struct AdoptRequest {
    pub session_id: String,
    pub user_id: Snowflake,
    pub seq: u64,
    pub limits: Limits,
}

#[derive(Clone)]
pub struct HubHandle(mpsc::UnboundedSender<Command>);

const STOPPED: &str = "gateway hub stopped";

impl HubHandle {
    pub async fn register(&self, session: Arc<Session>, guilds: Vec<Snowflake>) -> Result<(), String> {
        let (done, answer) = oneshot::channel();
        self.0.send(Command::Register { session, guilds, done }).map_err(|_| STOPPED.to_owned())?;
        answer.await.map_err(|_| STOPPED.to_owned())?
    }

    pub async fn started(&self, session: Arc<Session>) {
        let (done, answer) = oneshot::channel();
        if self.0.send(Command::Started { session, done }).is_ok() {
            let _ = answer.await;
        }
    }

    pub async fn push_local(&self, session: Arc<Session>, frames: Vec<Arc<str>>) {
        let (done, answer) = oneshot::channel();
        if self.0.send(Command::PushLocal { session, frames, done }).is_ok() {
            let _ = answer.await;
        }
    }

    pub async fn find(&self, session_id: String) -> Option<Arc<Session>> {
        let (reply, answer) = oneshot::channel();
        self.0.send(Command::Find { session_id, reply }).ok()?;
        answer.await.ok().flatten()
    }

    pub async fn adopt(&self, request: AdoptRequest) -> Result<(Arc<Session>, u64), ResumeError> {
        let (reply, answer) = oneshot::channel();
        self.0.send(Command::Adopt { request, reply }).map_err(|_| ResumeError::Gone)?;
        answer.await.map_err(|_| ResumeError::Gone)?
    }
}

struct GuildEntry {
    cache: GuildCache,
    sessions: Vec<Arc<Session>>,
}

pub struct Hub {
    ctx: ServiceContext,
    presence: PresenceBook,
    voice: VoiceHolds,
    metrics: Arc<GatewayMetrics>,
    resume_window_secs: u64,
    /// The node's one subscription, following the topics of its sessions.
    events: Box<dyn Subscription>,
    checkpoints: Checkpoints,
    sessions: HashMap<String, Arc<Session>>,
    by_user: HashMap<Snowflake, Vec<Arc<Session>>>,
    guilds: HashMap<Snowflake, GuildEntry>,
}

impl Hub {
    /// Subscribes to the bus now (so nothing published after this call is missed) and runs.
    pub async fn spawn(
        ctx: ServiceContext,
        presence: PresenceBook,
        voice: VoiceHolds,
        metrics: Arc<GatewayMetrics>,
        resume_window_secs: u64,
    ) -> Result<HubHandle, accord_bus::BusError> {
        let events = ctx.bus.subscribe_topics().await?;
        let (tx, rx) = mpsc::unbounded_channel();
        let hub = Self {
            checkpoints: Checkpoints::new(ctx.bus.clone()),
            ctx,
            presence,
            voice,
            metrics,
            resume_window_secs,
            events,
            sessions: HashMap::new(),
            by_user: HashMap::new(),
            guilds: HashMap::new(),
        };
        tokio::spawn(hub.run(rx));
        Ok(HubHandle(tx))
    }

    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut sweep = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                event = self.events.next() => match event {
                    Ok(delivery) => self.on_event(&delivery.event, delivery.position, None).await,
                    Err(RecvError::Lagged(missed)) => self.lost_events(missed),
                    Err(RecvError::Closed) => return,
                },
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command).await,
                    None => return,
                },
                _ = sweep.tick() => self.sweep().await,
            }
        }
    }

    /// The hub fell behind the bus: its sessions cannot be made whole, so they end and
    /// their clients identify afresh (never a silent gap).
    fn lost_events(&mut self, missed: u64) {
        tracing::error!(
            missed,
            sessions = self.sessions.len(),
            "gateway hub lagged behind the bus; ending its sessions"
        );
        for session in self.sessions.values() {
            session.end();
            session.close_with(Close::UnknownError);
        }
    }

    async fn on_command(&mut self, command: Command) {
        match command {
            Command::Register { session, guilds, done } => {
                // Everything in the log now is in the snapshot the session reads next.
                let outcome = match self.ctx.bus.log_end().await {
                    Ok(end) => {
                        session.set_start(end);
                        self.register(session, guilds).await
                    }
                    Err(error) => Err(error.to_string()),
                };
                let _ = done.send(outcome);
            }
            Command::Started { session, done } => {
                let position = self.events.position().max(session.start());
                self.checkpoints.start(&session, position).await;
                let _ = done.send(());
            }
            Command::PushLocal { session, frames, done } => {
                self.checkpoints.local(&session, &frames).await;
                for frame in frames {
                    session.push_direct(frame);
                }
                let _ = done.send(());
            }
            Command::Find { session_id, reply } => {
                let _ = reply.send(self.sessions.get(&session_id).cloned());
            }
            Command::Adopt { request, reply } => {
                let _ = reply.send(self.adopt(request).await);
            }
        }
    }

    /// Checkpoints live sessions; drops sessions that ended or whose resume window passed;
    /// users left without a session go offline.
    async fn sweep(&mut self) {
        let position = self.events.position();
        for session in self.sessions.values() {
            if !session.is_starting() && !session.is_ended() {
                self.checkpoints.mark(session, position.max(session.start()));
            }
        }
        let window = self.resume_window_secs;
        let expired: Vec<Arc<Session>> = self.sessions.values().filter(|s| s.expired(window)).cloned().collect();
        for session in expired {
            // A session that merely timed out here may have been taken over by another node,
            // so only one that ended forgets its saved state.
            self.checkpoints.forget(&session.identity.session_id, session.is_ended());
            session.end();
            self.remove(&session).await;
        }
    }
}
