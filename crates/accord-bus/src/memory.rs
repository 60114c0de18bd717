//! The in-process bus: a bounded broadcast channel. A subscriber that falls more than the
//! capacity behind is told it lagged rather than holding memory hostage.

use std::sync::Arc;

use accord_store::EventDraft;
use tokio::sync::broadcast;

use crate::{Bus, PublishError, RecvError, Subscription};

/// Events a subscriber may fall behind before it is told it lagged.
const CAPACITY: usize = 16_384;

#[derive(Debug, Clone)]
pub struct MemoryBus {
    /// Sender side; subscribers are made from it.
    sender: broadcast::Sender<Arc<EventDraft>>,
}

impl Default for MemoryBus {
    fn default() -> Self {
        Self { sender: broadcast::channel(CAPACITY).0 }
    }
}

#[async_trait::async_trait]
impl Bus for MemoryBus {
    async fn publish(&self, event: Arc<EventDraft>) -> Result<(), PublishError> {
        // No subscribers is not an error: the event is committed and nobody is listening.
        let _ = self.sender.send(event);
        Ok(())
    }

    fn subscribe(&self) -> Box<dyn Subscription> {
        Box::new(MemorySubscription(self.sender.subscribe()))
    }
}

struct MemorySubscription(broadcast::Receiver<Arc<EventDraft>>);

#[async_trait::async_trait]
impl Subscription for MemorySubscription {
    async fn next(&mut self) -> Result<Arc<EventDraft>, RecvError> {
        self.0.recv().await.map_err(|e| match e {
            broadcast::error::RecvError::Lagged(n) => RecvError::Lagged(n),
            broadcast::error::RecvError::Closed => RecvError::Closed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::Snowflake;

    fn event(n: u64) -> Arc<EventDraft> {
        Arc::new(EventDraft {
            id: Snowflake::new(n).unwrap(),
            name: "TEST".into(),
            guild_id: None,
            channel_id: None,
            user_ids: vec![],
            data: "{}".into(),
        })
    }

    #[tokio::test]
    async fn every_subscriber_gets_every_event_in_order() {
        let bus = MemoryBus::default();
        let (mut a, mut b) = (bus.subscribe(), bus.subscribe());
        for n in 1..=3 {
            bus.publish(event(n)).await.unwrap();
        }
        for sub in [&mut a, &mut b] {
            for n in 1..=3 {
                assert_eq!(sub.next().await.unwrap().id.get(), n);
            }
        }
    }
}
