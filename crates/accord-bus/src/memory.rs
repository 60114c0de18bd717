//! The in-process bus of the embedded mode: a bounded broadcast channel, a ring of recent
//! events as the replay log, and session resume state in a map. A subscriber that falls more
//! than the channel's capacity behind is told it lagged rather than holding memory hostage.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use accord_core::Snowflake;
use accord_store::EventDraft;
use tokio::sync::broadcast;

use crate::topic::topics_of;
use crate::{Bus, BusError, Delivery, Position, RecvError, ReplayError, Subscription, Topic};

/// Events a subscriber may fall behind before it is told it lagged.
const CAPACITY: usize = 16_384;
/// Events the replay ring holds.
const LOG_CAPACITY: usize = 65_536;

/// Saved session states by id, with when they were saved. Every session saves its state
/// after each batch of events it is sent, so expired states are swept at most ten times per
/// time to live (a sweep visits every state) rather than at every save; a lookup checks the
/// one it finds.
#[derive(Default)]
struct Sessions {
    saved: HashMap<String, (Instant, Vec<u8>)>,
    next_sweep: Option<Instant>,
}

#[derive(Clone)]
pub struct MemoryBus {
    /// Sender side; subscribers are made from it.
    sender: broadcast::Sender<Delivery>,
    /// The log, also the order of publishing: positions are handed out under this lock.
    log: Arc<Mutex<Log>>,
    /// Session resume states and when they were saved.
    sessions: Arc<Mutex<Sessions>>,
    /// How long a saved session state is kept.
    session_ttl: Duration,
}

#[derive(Default)]
struct Log {
    ring: VecDeque<Delivery>,
    last: Position,
    /// Ids in the ring, so a relay's retry of an event is not delivered twice.
    ids: HashSet<Snowflake>,
}

impl Default for MemoryBus {
    fn default() -> Self {
        Self::new(Duration::from_secs(300))
    }
}

impl MemoryBus {
    /// A bus whose saved session states expire after `session_ttl`.
    pub fn new(session_ttl: Duration) -> Self {
        Self { sender: broadcast::channel(CAPACITY).0, log: Arc::default(), sessions: Arc::default(), session_ttl }
    }

    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if sessions.next_sweep.is_none_or(|at| now >= at) {
            let ttl = self.session_ttl;
            sessions.saved.retain(|_, (saved, _)| now.duration_since(*saved) < ttl);
            sessions.next_sweep = Some(now + ttl / 10);
        }
        sessions
    }

    fn subscription(&self, topics: Option<HashMap<Topic, Position>>) -> Box<dyn Subscription> {
        let log = self.log();
        let receiver = self.sender.subscribe();
        Box::new(MemorySubscription { receiver, topics, position: log.last, log: self.log.clone() })
    }
}

#[async_trait::async_trait]
impl Bus for MemoryBus {
    async fn publish(&self, event: Arc<EventDraft>) -> Result<(), BusError> {
        let mut log = self.log();
        if !log.ids.insert(event.id) {
            return Ok(());
        }
        log.last += 1;
        let delivery = Delivery { position: log.last, event };
        log.ring.push_back(delivery.clone());
        if log.ring.len() > LOG_CAPACITY
            && let Some(old) = log.ring.pop_front()
        {
            log.ids.remove(&old.event.id);
        }
        // No subscribers is not an error: the event is committed and nobody is listening.
        let _ = self.sender.send(delivery);
        Ok(())
    }

    async fn log_end(&self) -> Result<Position, BusError> {
        Ok(self.log().last)
    }

    async fn subscribe(&self) -> Result<Box<dyn Subscription>, BusError> {
        Ok(self.subscription(None))
    }

    async fn subscribe_topics(&self) -> Result<Box<dyn Subscription>, BusError> {
        Ok(self.subscription(Some(HashMap::new())))
    }

    async fn replay(
        &self,
        after: Position,
        until: Position,
        topics: &[Topic],
        limit: usize,
    ) -> Result<Vec<Delivery>, ReplayError> {
        let log = self.log();
        let oldest = log.ring.front().map_or(log.last + 1, |d| d.position);
        if after + 1 < oldest && after < log.last {
            return Err(ReplayError::Expired);
        }
        let wanted: HashSet<Topic> = topics.iter().copied().collect();
        let found: Vec<Delivery> = log
            .ring
            .iter()
            .filter(|d| d.position > after && d.position <= until)
            .filter(|d| topics_of(&d.event).iter().any(|t| wanted.contains(t)))
            .cloned()
            .collect();
        if found.len() > limit {
            return Err(ReplayError::Expired);
        }
        Ok(found)
    }

    async fn save_session(&self, session_id: &str, state: &[u8]) -> Result<(), BusError> {
        self.sessions().saved.insert(session_id.to_owned(), (Instant::now(), state.to_vec()));
        Ok(())
    }

    async fn load_session(&self, session_id: &str) -> Result<Option<Vec<u8>>, BusError> {
        let sessions = self.sessions();
        let live = sessions.saved.get(session_id).filter(|(saved, _)| saved.elapsed() < self.session_ttl);
        Ok(live.map(|(_, state)| state.clone()))
    }

    async fn remove_session(&self, session_id: &str) -> Result<(), BusError> {
        self.sessions().saved.remove(session_id);
        Ok(())
    }
}

struct MemorySubscription {
    receiver: broadcast::Receiver<Delivery>,
    /// Followed topics, each with the position after which its events are wanted; `None`
    /// follows everything.
    topics: Option<HashMap<Topic, Position>>,
    position: Position,
    /// The bus's log, for where it ends now.
    log: Arc<Mutex<Log>>,
}

#[async_trait::async_trait]
impl Subscription for MemorySubscription {
    async fn next(&mut self) -> Result<Delivery, RecvError> {
        loop {
            let delivery = self.receiver.recv().await.map_err(|e| match e {
                broadcast::error::RecvError::Lagged(n) => RecvError::Lagged(n),
                broadcast::error::RecvError::Closed => RecvError::Closed,
            })?;
            if delivery.position <= self.position {
                continue;
            }
            self.position = delivery.position;
            let wanted = match &self.topics {
                None => true,
                Some(topics) => topics_of(&delivery.event)
                    .iter()
                    .any(|t| topics.get(t).is_some_and(|from| delivery.position > *from)),
            };
            if wanted {
                return Ok(delivery);
            }
        }
    }

    async fn follow(&mut self, topics: &[Topic], from: Option<Position>) -> Result<(), BusError> {
        let from = from.unwrap_or_else(|| self.log.lock().unwrap_or_else(|p| p.into_inner()).last);
        if let Some(followed) = self.topics.as_mut() {
            for topic in topics {
                followed.entry(*topic).or_insert(from);
            }
        }
        Ok(())
    }

    async fn unfollow(&mut self, topics: &[Topic]) -> Result<(), BusError> {
        if let Some(followed) = self.topics.as_mut() {
            for topic in topics {
                followed.remove(topic);
            }
        }
        Ok(())
    }

    fn position(&self) -> Position {
        self.position
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_saved_session_expires_after_its_time_to_live_and_is_swept() {
        let bus = MemoryBus::new(Duration::from_millis(200));
        bus.save_session("old", b"state").await.unwrap();
        tokio::time::sleep(Duration::from_millis(120)).await;
        bus.save_session("young", b"state").await.unwrap();
        assert_eq!(bus.load_session("old").await.unwrap().as_deref(), Some(&b"state"[..]));

        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(bus.load_session("old").await.unwrap(), None, "expired, even before a sweep");
        assert_eq!(bus.load_session("young").await.unwrap().as_deref(), Some(&b"state"[..]));
        tokio::time::sleep(Duration::from_millis(30)).await;
        bus.save_session("new", b"state").await.unwrap();
        let saved: HashSet<String> = bus.sessions.lock().unwrap().saved.keys().cloned().collect();
        assert_eq!(saved, HashSet::from(["young".to_owned(), "new".to_owned()]), "the sweep removed the expired one");
    }
}
