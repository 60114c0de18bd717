//! The event bus and event log: services publish committed events, gateways and caches
//! subscribe, and a resuming client's missed events are read back from the log.
//!
//! - [`Bus`] and [`Subscription`]: the traits every implementation provides.
//! - [`topic`]: which topics (guild, user) an event is published on.
//! - [`memory`]: the in-process bus and its ring of recent events, for the embedded mode.
//! - [`outbox`]: the relay that publishes the transactional outbox, and the signal that wakes it.
//! - `contract` (feature `contract`): the behaviour every implementation must show, as tests.

#[cfg(feature = "contract")]
pub mod contract;
pub mod memory;
pub mod outbox;
pub mod topic;

use std::sync::Arc;

use accord_store::EventDraft;

pub use memory::MemoryBus;
pub use outbox::{OutboxSignal, run_relay};
pub use topic::Topic;

/// A position in the event log: increases in publish order. 0 is "before everything".
pub type Position = u64;

/// An event as a subscriber receives it: with its place in the log.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Where the event entered the log. An event stored once per topic is at its first
    /// copy's position, wherever it is read from.
    pub position: Position,
    pub event: Arc<EventDraft>,
}

/// The bus could not do what was asked; callers retry or degrade.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("bus unavailable: {0}")]
    Unavailable(String),
}

/// Why a subscription yielded no event.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecvError {
    /// The subscriber fell behind and `0` events were dropped for it; it must resynchronise.
    #[error("subscriber lagged by {0} events")]
    Lagged(u64),
    /// The bus is gone.
    #[error("bus closed")]
    Closed,
}

/// Why the log could not give back a range of events.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The log no longer holds the start of the range (or it is longer than asked for).
    #[error("the event log no longer holds these events")]
    Expired,
    #[error("event log unavailable: {0}")]
    Unavailable(String),
}

#[async_trait::async_trait]
pub trait Bus: Send + Sync + 'static {
    /// Publishes one event on its topics ([`topic::topics_of`]). Publishing the same event id
    /// again (a relay retry) delivers it at most once more to a subscriber, which drops
    /// repeats by id.
    async fn publish(&self, event: Arc<EventDraft>) -> Result<(), BusError>;

    /// The position of the last event in the log now (0 when empty).
    async fn log_end(&self) -> Result<Position, BusError>;

    /// A subscription to every event published from now on.
    async fn subscribe(&self) -> Result<Box<dyn Subscription>, BusError>;

    /// A subscription to the events of the topics it follows, from now on; it follows none
    /// at first ([`Subscription::follow`]).
    async fn subscribe_topics(&self) -> Result<Box<dyn Subscription>, BusError>;

    /// The events on `topics` with `after < position <= until`, oldest first, each once;
    /// [`ReplayError::Expired`] if the log no longer reaches back to `after + 1` or the range
    /// holds more than `limit` events.
    async fn replay(
        &self,
        after: Position,
        until: Position,
        topics: &[Topic],
        limit: usize,
    ) -> Result<Vec<Delivery>, ReplayError>;

    /// Stores a gateway session's resume state under its id, for the resume window.
    async fn save_session(&self, session_id: &str, state: &[u8]) -> Result<(), BusError>;

    /// A session's resume state, if it is still held.
    async fn load_session(&self, session_id: &str) -> Result<Option<Vec<u8>>, BusError>;

    /// Forgets a session's resume state (it ended).
    async fn remove_session(&self, session_id: &str) -> Result<(), BusError>;
}

#[async_trait::async_trait]
pub trait Subscription: Send {
    /// The next event, in log order, each event id once. Cancel-safe: dropping the future
    /// loses nothing.
    async fn next(&mut self) -> Result<Delivery, RecvError>;

    /// Adds topics, delivering their events after position `from`: `Some(position())`
    /// misses nothing published after what the subscriber has seen; `None` starts at the
    /// log's end now (a subscriber about to read a snapshot wants nothing older). Topics
    /// already followed keep going as they were.
    async fn follow(&mut self, topics: &[Topic], from: Option<Position>) -> Result<(), BusError>;

    /// Drops topics; events on them may still arrive for a moment.
    async fn unfollow(&mut self, topics: &[Topic]) -> Result<(), BusError>;

    /// The position of the last event delivered (or of the log's end when it started).
    fn position(&self) -> Position;
}

/// The handle services and gateways hold.
pub type BusHandle = Arc<dyn Bus>;
