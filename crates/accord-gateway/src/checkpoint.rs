//! Checkpoints: what another node needs to take a session over after this one dies.
//!
//! A checkpoint pairs a session's sequence number with the event-log position it had
//! reached, and the guilds it followed then. Replaying the log from that position through
//! the same dispatch rules numbers the frames exactly as this node did, so a client that
//! resumes elsewhere with any `seq` at or after the checkpoint gets exactly what it missed.
//! Frames that do not come from the log (RESUMED, member chunks) are saved with the
//! checkpoint before they are queued, so the replay can put them back at their numbers.
//!
//! The hub marks each live session once a sweep; the newest mark at or before what the
//! client acknowledged becomes its saved checkpoint (a client may not have received what was
//! written to its socket when the node died). Saves go through one writer task, so the hub
//! never waits for the bus except for frames outside the log.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use accord_bus::{BusHandle, Position};
use accord_core::Snowflake;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::session::{Identity, Session};

/// Marks kept per session: at one a second, more than two Discord heartbeat intervals.
const MARKS: usize = 128;

/// The saved form, in the bus's session store under the session id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResumeState {
    pub user_id: Snowflake,
    pub bot: bool,
    pub intents: u64,
    pub shard: (u64, u64),
    /// The login session behind it (absent in checkpoints saved before it was recorded).
    #[serde(default)]
    pub auth_session: Option<Snowflake>,
    /// The guilds the session followed at `position`.
    pub guilds: Vec<Snowflake>,
    /// The last sequence number used when the hub had dispatched everything up to `position`.
    pub seq: u64,
    pub position: Position,
    /// Frames not from the log, numbered after `seq`.
    pub local: Vec<(u64, String)>,
}

impl ResumeState {
    pub fn identity(&self, session_id: &str) -> Identity {
        Identity {
            session_id: session_id.to_owned(),
            user_id: self.user_id,
            bot: self.bot,
            intents: self.intents,
            shard: self.shard,
            auth_session: self.auth_session,
        }
    }
}

#[derive(Debug, Clone)]
struct Mark {
    seq: u64,
    position: Position,
    guilds: Arc<Vec<Snowflake>>,
}

#[derive(Default)]
struct Track {
    /// The guilds followed now.
    guilds: Arc<Vec<Snowflake>>,
    marks: VecDeque<Mark>,
    saved: Option<Mark>,
    local: Vec<(u64, Arc<str>)>,
}

/// Every local session's marks, and the writer that saves checkpoints.
pub struct Checkpoints {
    tracks: HashMap<String, Track>,
    bus: BusHandle,
    /// Queued saves (`None` removes), written in order by the writer task.
    writer: mpsc::UnboundedSender<(String, Option<Vec<u8>>)>,
}

impl Checkpoints {
    pub fn new(bus: BusHandle) -> Self {
        let (writer, queue) = mpsc::unbounded_channel();
        tokio::spawn(write_all(bus.clone(), queue));
        Self { tracks: HashMap::new(), bus, writer }
    }

    /// Records the guilds a session follows from now on.
    pub fn set_guilds(&mut self, session_id: &str, guilds: impl IntoIterator<Item = Snowflake>) {
        let mut guilds: Vec<Snowflake> = guilds.into_iter().collect();
        guilds.sort_unstable();
        guilds.dedup();
        self.tracks.entry(session_id.to_owned()).or_default().guilds = Arc::new(guilds);
    }

    pub fn guilds(&self, session_id: &str) -> Vec<Snowflake> {
        self.tracks.get(session_id).map(|t| t.guilds.to_vec()).unwrap_or_default()
    }

    /// Marks where a live session stands at `position`, and queues a save if the client has
    /// acknowledged past the saved checkpoint.
    pub fn mark(&mut self, session: &Session, position: Position) {
        let Some(track) = self.tracks.get_mut(&session.identity.session_id) else { return };
        let seq = session.last_seq();
        if track.marks.back().is_none_or(|m| m.seq != seq || m.guilds != track.guilds) {
            track.marks.push_back(Mark { seq, position, guilds: track.guilds.clone() });
            if track.marks.len() > MARKS {
                track.marks.pop_front();
            }
        }
        let acked = session.acknowledged();
        let Some(newest) = track.marks.iter().rev().find(|m| m.seq <= acked) else { return };
        if track.saved.as_ref().is_some_and(|s| s.seq == newest.seq && s.position == newest.position) {
            return;
        }
        let newest = newest.clone();
        track.marks.retain(|m| m.seq >= newest.seq);
        track.local.retain(|(seq, _)| *seq > newest.seq);
        track.saved = Some(newest);
        let bytes = encode(session, track);
        let _ = self.writer.send((session.identity.session_id.clone(), Some(bytes)));
    }

    /// Saves a checkpoint at once, before the session's first frames could be acknowledged:
    /// READY and its GUILD_CREATEs are in, nothing from the log after `position` is.
    pub async fn start(&mut self, session: &Session, position: Position) {
        let Some(track) = self.tracks.get_mut(&session.identity.session_id) else { return };
        let mark = Mark { seq: session.last_seq(), position, guilds: track.guilds.clone() };
        track.marks.push_back(mark.clone());
        track.saved = Some(mark);
        let bytes = encode(session, track);
        self.save_now(&session.identity.session_id, bytes).await;
    }

    /// Continues from the checkpoint another node saved for a session taken over here.
    pub fn adopted(&mut self, session_id: &str, state: &ResumeState) {
        let track = self.tracks.entry(session_id.to_owned()).or_default();
        let mark = Mark { seq: state.seq, position: state.position, guilds: Arc::new(state.guilds.clone()) };
        track.marks = VecDeque::from([mark.clone()]);
        track.saved = Some(mark);
        track.local = state.local.iter().map(|(seq, frame)| (*seq, Arc::from(frame.as_str()))).collect();
    }

    /// Adds frames outside the log that are about to be queued, numbered from the session's
    /// next sequence number, and saves them before they can reach the client.
    pub async fn local(&mut self, session: &Session, frames: &[Arc<str>]) {
        let Some(track) = self.tracks.get_mut(&session.identity.session_id) else { return };
        if track.saved.is_none() {
            return;
        }
        let first = session.last_seq() + 1;
        track.local.extend(frames.iter().cloned().enumerate().map(|(i, f)| (first + i as u64, f)));
        let bytes = encode(session, track);
        self.save_now(&session.identity.session_id, bytes).await;
    }

    /// Stops tracking a session; `ended` also forgets its saved state (it can never resume).
    pub fn forget(&mut self, session_id: &str, ended: bool) {
        self.tracks.remove(session_id);
        if ended {
            let _ = self.writer.send((session_id.to_owned(), None));
        }
    }

    async fn save_now(&self, session_id: &str, bytes: Vec<u8>) {
        if let Err(error) = self.bus.save_session(session_id, &bytes).await {
            tracing::warn!(%error, "session checkpoint not saved; a resume on another node will re-identify");
        }
    }
}

fn encode(session: &Session, track: &Track) -> Vec<u8> {
    let saved = track.saved.as_ref().expect("encoded only once a checkpoint is chosen");
    let identity = &session.identity;
    let state = ResumeState {
        user_id: identity.user_id,
        bot: identity.bot,
        intents: identity.intents,
        shard: identity.shard,
        auth_session: identity.auth_session,
        guilds: saved.guilds.to_vec(),
        seq: saved.seq,
        position: saved.position,
        local: track.local.iter().map(|(seq, frame)| (*seq, frame.to_string())).collect(),
    };
    serde_json::to_vec(&state).expect("resume state serialises")
}

/// Writes queued saves in order, skipping a session's older saves still waiting behind newer ones.
async fn write_all(bus: BusHandle, mut queue: mpsc::UnboundedReceiver<(String, Option<Vec<u8>>)>) {
    let mut batch = Vec::new();
    while queue.recv_many(&mut batch, 1024).await > 0 {
        let mut latest: HashMap<String, Option<Vec<u8>>> = HashMap::with_capacity(batch.len());
        for (id, state) in batch.drain(..) {
            latest.insert(id, state);
        }
        for (id, state) in latest {
            let outcome = match state {
                Some(bytes) => bus.save_session(&id, &bytes).await,
                None => bus.remove_session(&id).await,
            };
            if let Err(error) = outcome {
                tracing::warn!(%error, "session checkpoint not written");
            }
        }
    }
}
