//! The event bus: services publish committed events, gateways and caches subscribe.
//!
//! - [`Bus`] and [`Subscription`]: the traits every implementation provides.
//! - [`memory`]: the in-process bus of the embedded mode.
//! - [`outbox`]: the relay that publishes the transactional outbox, and the signal that wakes it.

pub mod memory;
pub mod outbox;

use std::sync::Arc;

use accord_store::EventDraft;

pub use memory::MemoryBus;
pub use outbox::{OutboxSignal, run_relay};

/// Why publishing failed; the relay retries.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
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

#[async_trait::async_trait]
pub trait Bus: Send + Sync + 'static {
    /// Publishes one committed event to every subscriber.
    async fn publish(&self, event: Arc<EventDraft>) -> Result<(), PublishError>;

    /// A new subscription to every event published from now on.
    fn subscribe(&self) -> Box<dyn Subscription>;
}

#[async_trait::async_trait]
pub trait Subscription: Send {
    /// The next event, in publish order.
    async fn next(&mut self) -> Result<Arc<EventDraft>, RecvError>;
}

/// The handle services and gateways hold.
pub type BusHandle = Arc<dyn Bus>;
