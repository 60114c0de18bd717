//! A gateway session: who it is, what it asked for, and its frames. Dispatches get the
//! session's next sequence number as they are queued and stay in a replay ring until the
//! client acknowledges them with a heartbeat, so a client that drops and resumes with `seq`
//! gets exactly the frames after it — or, if they are no longer held, op 9 and never a gap.
//!
//! The ring is also the outbound queue: the connection writes from a cursor. A connection
//! that falls too far behind is closed (resumably); a detached session keeps collecting
//! frames for the resume window, up to the retention bound.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use accord_core::Snowflake;
use tokio::sync::Notify;

use crate::config::GatewayConfig;
use crate::protocol::{Close, finish_dispatch};

/// What a session was identified as; fixed for its life.
#[derive(Debug, Clone)]
pub struct Identity {
    pub session_id: String,
    pub user_id: Snowflake,
    pub bot: bool,
    pub intents: u64,
    /// `(shard_id, num_shards)`.
    pub shard: (u64, u64),
    /// The login (auth) session whose token identified it; none for bots. Revoking that
    /// login closes this session (4004).
    pub auth_session: Option<Snowflake>,
}

impl Identity {
    pub fn wants(&self, intent: u64) -> bool {
        self.intents & intent == intent
    }

    /// Whether a guild's events go to this shard (DMs go to shard 0).
    pub fn shard_has(&self, guild_id: Snowflake) -> bool {
        (guild_id.get() >> 22) % self.shard.1.max(1) == self.shard.0
    }
}

/// Bounds on a session's frames.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub queued_frames: usize,
    pub queued_bytes: usize,
    pub retained_frames: usize,
}

impl From<&GatewayConfig> for Limits {
    fn from(c: &GatewayConfig) -> Self {
        Self {
            queued_frames: c.max_queued_frames,
            queued_bytes: c.max_queued_bytes,
            retained_frames: c.max_retained_frames.max(c.max_queued_frames + 1),
        }
    }
}

pub struct Session {
    pub identity: Identity,
    /// The event-log position its dispatches start after: what came before is in its
    /// snapshot (READY) or its checkpoint. Set once, by the hub, at registration.
    start: AtomicU64,
    limits: Limits,
    state: Mutex<State>,
    /// Wakes the attached connection when frames or a close are waiting.
    wake: Notify,
}

struct State {
    /// Dispatch frames without their `s`: `ring[i]` has sequence number `first_seq + i`.
    ring: VecDeque<Arc<str>>,
    first_seq: u64,
    next_seq: u64,
    /// The oldest sequence number that can still be replayed.
    floor: u64,
    /// The next sequence number to write to the connection.
    cursor: u64,
    /// Frames before this sequence number (READY and the GUILD_CREATEs, or a resume's
    /// replay) do not count toward the slow-consumer bounds: the client asked for them at once.
    exempt_until: u64,
    /// Bytes of the frames queued since the connection last took its frames, except exempt ones.
    queued_bytes: usize,
    /// Frames outside the sequence (heartbeat ACK, op 9...), written first.
    control: VecDeque<String>,
    /// Held dispatches while READY and the GUILD_CREATEs are being queued, so they come first.
    held: Option<Vec<Arc<str>>>,
    /// Generation of the attached connection, if any.
    attached: Option<u64>,
    generation: u64,
    detached_at: Option<Instant>,
    /// A close the attached connection must send.
    close: Option<Close>,
    /// No longer resumable: ended by the client, or frames were lost while detached.
    ended: bool,
    /// The highest sequence number the client has acknowledged with a heartbeat: a resume
    /// on another node starts from a checkpoint at or before it.
    acked: u64,
}

impl State {
    /// Empty, detached, with `seq` the last sequence number already used.
    fn starting_after(seq: u64) -> Self {
        let next = seq + 1;
        State {
            ring: VecDeque::new(),
            first_seq: next,
            next_seq: next,
            floor: next,
            cursor: next,
            exempt_until: next,
            queued_bytes: 0,
            control: VecDeque::new(),
            held: None,
            attached: None,
            generation: 0,
            detached_at: None,
            close: None,
            ended: false,
            acked: seq,
        }
    }
}

/// What a connection writes next.
#[derive(Debug, Default)]
pub struct Outgoing {
    pub frames: Vec<String>,
    pub close: Option<Close>,
    /// Another connection took the session over (a resume): this one must just go.
    pub superseded: bool,
}

/// Why a resume cannot go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeError {
    /// `seq` is ahead of anything sent: close 4007.
    SeqAhead,
    /// The frames after `seq` are no longer held, or the session ended: op 9.
    Gone,
}

impl Session {
    /// A new session, attached to the connection that identified it, holding dispatches
    /// until [`Session::release`].
    pub fn new(identity: Identity, limits: Limits) -> (Arc<Self>, u64) {
        let mut state = State::starting_after(0);
        state.held = Some(Vec::new());
        state.attached = Some(1);
        state.generation = 1;
        (
            Arc::new(Self {
                identity,
                start: AtomicU64::new(0),
                limits,
                state: Mutex::new(state),
                wake: Notify::new(),
            }),
            1,
        )
    }

    /// A session taken over from another node, detached, whose next frame is `seq + 1`: the
    /// frames replayed into it and then [`Session::resume`] make it whole.
    pub fn adopted(identity: Identity, limits: Limits, seq: u64) -> Arc<Self> {
        let mut state = State::starting_after(seq);
        state.detached_at = Some(Instant::now());
        state.acked = seq;
        Arc::new(Self { identity, start: AtomicU64::new(0), limits, state: Mutex::new(state), wake: Notify::new() })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues a dispatch (held while the session is starting).
    pub fn push(&self, head: Arc<str>) {
        let mut st = self.state();
        if st.ended {
            return;
        }
        if let Some(held) = st.held.as_mut() {
            held.push(head);
            return;
        }
        self.append(&mut st, head);
        drop(st);
        self.wake.notify_one();
    }

    /// Queues a dispatch ahead of held ones (READY, GUILD_CREATE, RESUMED, member chunks).
    pub fn push_direct(&self, head: Arc<str>) {
        let mut st = self.state();
        self.append(&mut st, head);
        drop(st);
        self.wake.notify_one();
    }

    /// Ends holding: the dispatches that arrived meanwhile follow what was queued directly.
    pub fn release(&self) {
        let mut st = self.state();
        st.exempt_until = st.next_seq;
        st.queued_bytes = 0;
        for head in st.held.take().unwrap_or_default() {
            self.append(&mut st, head);
        }
        drop(st);
        self.wake.notify_one();
    }

    fn append(&self, st: &mut State, head: Arc<str>) {
        st.queued_bytes += head.len();
        st.ring.push_back(head);
        st.next_seq += 1;
        while st.ring.len() > self.limits.retained_frames {
            if let Some(old) = st.ring.pop_front() {
                if st.first_seq >= st.cursor {
                    st.queued_bytes = st.queued_bytes.saturating_sub(old.len());
                }
                st.first_seq += 1;
                st.floor = st.first_seq;
            }
        }
        if st.cursor < st.first_seq {
            // Unsent frames were dropped: the session can no longer be made whole.
            st.ended = true;
            st.close = Some(Close::SlowConsumer);
        }
        let queued = (st.next_seq - st.cursor.max(st.exempt_until)) as usize;
        let starting = st.held.is_some();
        if st.attached.is_some()
            && !starting
            && (queued > self.limits.queued_frames || st.queued_bytes > self.limits.queued_bytes)
        {
            st.close.get_or_insert(Close::SlowConsumer);
        }
    }

    /// Queues a frame outside the sequence.
    pub fn push_control(&self, frame: String) {
        self.state().control.push_back(frame);
        self.wake.notify_one();
    }

    /// Asks the attached connection to close with `close`.
    pub fn close_with(&self, close: Close) {
        self.state().close = Some(close);
        self.wake.notify_one();
    }

    /// Waits until there is something to write.
    pub async fn wait(&self) {
        self.wake.notified().await;
    }

    /// Takes what connection `generation` should write now.
    pub fn take(&self, generation: u64) -> Outgoing {
        let mut st = self.state();
        if st.attached != Some(generation) {
            return Outgoing { superseded: true, ..Outgoing::default() };
        }
        let mut frames: Vec<String> = st.control.drain(..).collect();
        let close = st.close.take();
        // A slow consumer is closed at once; its backlog stays in the ring for its resume
        // rather than being written to a connection that cannot keep up.
        let backlog = if close == Some(Close::SlowConsumer) { st.cursor } else { st.next_seq };
        while st.cursor < backlog {
            let index = (st.cursor - st.first_seq) as usize;
            let Some(head) = st.ring.get(index).cloned() else { break };
            frames.push(finish_dispatch(&head, st.cursor));
            st.cursor += 1;
        }
        st.queued_bytes = 0;
        Outgoing { frames, close, superseded: false }
    }

    /// The client processed everything up to `seq`: those frames need not be kept.
    pub fn acknowledge(&self, seq: u64) {
        let mut st = self.state();
        let upto = seq.min(st.cursor.saturating_sub(1));
        st.acked = st.acked.max(upto);
        while st.first_seq <= upto && st.ring.pop_front().is_some() {
            st.first_seq += 1;
        }
    }

    /// The last sequence number assigned.
    pub fn last_seq(&self) -> u64 {
        self.state().next_seq - 1
    }

    /// The event-log position its dispatches start after.
    pub fn start(&self) -> u64 {
        self.start.load(Ordering::Relaxed)
    }

    pub fn set_start(&self, position: u64) {
        self.start.store(position, Ordering::Relaxed);
    }

    /// The highest sequence number the client has acknowledged.
    pub fn acknowledged(&self) -> u64 {
        self.state().acked
    }

    /// Whether READY and the GUILD_CREATEs are still being queued.
    pub fn is_starting(&self) -> bool {
        self.state().held.is_some()
    }

    /// The connection `generation` went away without ending the session.
    pub fn detach(&self, generation: u64) {
        let mut st = self.state();
        if st.attached == Some(generation) {
            st.attached = None;
            st.detached_at = Some(Instant::now());
            st.close = None;
            if st.held.is_some() {
                st.ended = true;
            }
        }
    }

    /// Ends the session (client closed normally, or it was invalidated).
    pub fn end(&self) {
        let mut st = self.state();
        st.ended = true;
        st.attached = None;
        st.detached_at.get_or_insert_with(Instant::now);
    }

    /// Its login was revoked: an attached connection writes what is queued, then closes
    /// with 4004 (which ends the session); a detached session ends now, so no resume revives it.
    pub fn revoke(&self) {
        let mut st = self.state();
        st.close = Some(Close::AuthenticationFailed);
        if st.attached.is_none() {
            st.ended = true;
            st.detached_at.get_or_insert_with(Instant::now);
        }
        drop(st);
        self.wake.notify_one();
    }

    pub fn is_ended(&self) -> bool {
        self.state().ended
    }

    /// Whether it has been detached (or ended) for longer than `window_secs`.
    pub fn expired(&self, window_secs: u64) -> bool {
        let st = self.state();
        st.ended || st.detached_at.is_some_and(|at| at.elapsed().as_secs() >= window_secs)
    }

    /// Attaches a resuming connection, which will first get every frame after `seq`.
    pub fn resume(&self, seq: u64) -> Result<u64, ResumeError> {
        let mut st = self.state();
        if st.ended || st.held.is_some() {
            return Err(ResumeError::Gone);
        }
        if seq >= st.next_seq {
            return Err(ResumeError::SeqAhead);
        }
        if seq + 1 < st.floor || seq + 1 < st.first_seq {
            st.ended = true;
            return Err(ResumeError::Gone);
        }
        st.generation += 1;
        let generation = st.generation;
        st.attached = Some(generation);
        st.detached_at = None;
        st.cursor = seq + 1;
        st.close = None;
        st.control.clear();
        st.exempt_until = st.next_seq;
        st.queued_bytes = 0;
        drop(st);
        // Wake a superseded connection so it notices and leaves.
        self.wake.notify_waiters();
        Ok(generation)
    }
}

#[cfg(test)]
mod tests;
