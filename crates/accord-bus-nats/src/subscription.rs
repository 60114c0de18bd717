//! A subscription: an ordered consumer on the followed topics (or on everything), reading from
//! just after the last position it read. It is re-created when the topics change, after a
//! reconnection and when it falls silent, always at that position, so nothing is skipped; and
//! the log is checked at those moments, so that events lost to age are reported, not hidden.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use accord_bus::{BusError, Delivery, Position, RecvError, Subscription, Topic};
use async_nats::datetime::DateTime;
use async_nats::jetstream::consumer::pull::{Ordered, OrderedConfig};
use async_nats::jetstream::{self, consumer::DeliverPolicy};
use futures::StreamExt;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::bus::{Shared, unavailable};
use crate::recent::RecentIds;
use crate::setup::DeleteConsumer;
use crate::subjects::Carries;
use crate::wire;

/// Pause before trying NATS again after a failed request.
const RETRY: Duration = Duration::from_millis(500);

/// What a subscription reads.
pub(crate) enum Follow {
    /// Every event ([`accord_bus::Bus::subscribe`]).
    All,
    /// The events of these topics ([`accord_bus::Bus::subscribe_topics`]).
    Topics(BTreeSet<Topic>),
}

pub(crate) struct NatsSubscription {
    shared: Arc<Shared>,
    follow: Follow,
    /// The current consumer's messages; replaced on follow, unfollow and recovery.
    messages: Option<Ordered>,
    /// The current consumer's name as its messages report it: the ordered consumer renames
    /// itself when it re-creates itself, and the log is then checked for a gap.
    consumer: String,
    /// Deletes the current consumer when it is replaced or the subscription dropped.
    cleanup: Option<DeleteConsumer>,
    /// The last position read, given out or skipped: the consumer resumes after it.
    cursor: Position,
    /// When the stream was created: another value means NATS lost it and positions restarted.
    created: DateTime,
    /// A message read but not handled yet, kept while a loss is reported or the log checked.
    held: Option<jetstream::Message>,
    /// The consumer must be re-created at `cursor + 1` before reading on.
    reopen: bool,
    /// The log must be compared with `cursor` before reading on.
    check: bool,
    /// Ids given out lately, to give each event once.
    recent: RecentIds,
    /// Moves on every reconnection to NATS.
    reconnects: watch::Receiver<u64>,
    /// When the consumer last gave anything, ticks included.
    last_heard: Instant,
    /// For topics followed from a later position than the cursor: events on them at or
    /// before it are not wanted.
    starts: HashMap<Topic, Position>,
}

/// What waiting on the consumer gave, other than a message.
enum Heard {
    Failed(String),
    Ended,
    Reconnected,
    Silent,
}

impl NatsSubscription {
    /// A subscription starting at the end of the log.
    pub(crate) async fn start(shared: Arc<Shared>, follow: Follow) -> Result<Self, BusError> {
        let reconnects = shared.reconnects.subscribe();
        let log = shared.log_state_or_create().await?;
        let mut subscription = Self {
            shared,
            follow,
            messages: None,
            consumer: String::new(),
            cleanup: None,
            cursor: log.last,
            created: log.created,
            held: None,
            reopen: false,
            check: false,
            recent: RecentIds::default(),
            reconnects,
            last_heard: Instant::now(),
            starts: HashMap::new(),
        };
        subscription.open(None).await?;
        Ok(subscription)
    }

    /// Re-creates the consumer at `cursor + 1`, on `topics` if given (else on the current ones).
    /// Nothing changes unless it succeeds, so a cancelled call leaves a working subscription.
    async fn open(&mut self, topics: Option<BTreeSet<Topic>>) -> Result<(), BusError> {
        let subjects = &self.shared.subjects;
        let filter = match (&topics, &self.follow) {
            (Some(topics), _) | (None, Follow::Topics(topics)) => {
                subjects.filter(topics, self.shared.config.max_filter_subjects)
            }
            (None, Follow::All) => vec![subjects.all()],
        };
        let start = self.cursor + 1;
        let config = OrderedConfig {
            filter_subjects: filter,
            deliver_policy: if start <= 1 {
                DeliverPolicy::All
            } else {
                DeliverPolicy::ByStartSequence { start_sequence: start }
            },
            ..Default::default()
        };
        let stream = &self.shared.config.stream;
        let consumer = self.shared.js.create_consumer_on_stream(config, stream).await.map_err(unavailable)?;
        let name = consumer.cached_info().name.clone();
        let messages = consumer.messages().await.map_err(unavailable)?;

        if let Some(topics) = topics {
            self.follow = Follow::Topics(topics);
        }
        // Dropping the previous cleanup deletes the previous consumer.
        self.cleanup = Some(DeleteConsumer::new(&self.shared.js, stream, &name));
        self.messages = Some(messages);
        self.consumer = name;
        // The new consumer reads the held message again, if it still wants it.
        self.held = None;
        self.reopen = false;
        self.last_heard = Instant::now();
        Ok(())
    }

    /// Changes the followed topics, re-creating the consumer unless its filter stays the same.
    async fn refollow(&mut self, topics: BTreeSet<Topic>) -> Result<(), BusError> {
        let Follow::Topics(followed) = &mut self.follow else { return Ok(()) };
        if topics == *followed {
            return Ok(());
        }
        let max = self.shared.config.max_filter_subjects;
        if followed.len() > max && topics.len() > max {
            // Both read everything and filter here.
            *followed = topics;
            return Ok(());
        }
        self.open(Some(topics)).await
    }

    /// Waits for the consumer, a reconnection or too long a silence.
    async fn receive(&mut self) -> Option<jetstream::Message> {
        let messages = self.messages.as_mut()?;
        let silent_at = self.last_heard + self.shared.config.stall_after();
        let heard = tokio::select! {
            biased;
            item = messages.next() => match item {
                Some(Ok(message)) => {
                    self.last_heard = Instant::now();
                    return Some(message);
                }
                Some(Err(error)) => Heard::Failed(error.to_string()),
                None => Heard::Ended,
            },
            _ = self.reconnects.changed() => Heard::Reconnected,
            () = tokio::time::sleep_until(silent_at) => Heard::Silent,
        };
        match heard {
            Heard::Failed(error) => {
                tracing::warn!(%error, "event consumer failed; re-creating it");
                self.reopen = true;
                tokio::time::sleep(RETRY).await;
            }
            Heard::Ended => self.reopen = true,
            Heard::Reconnected | Heard::Silent => {
                // The consumer may be gone with a restarted server, and the log may have moved
                // past us while we were away.
                self.reopen = true;
                self.check = true;
                self.last_heard = Instant::now();
            }
        }
        None
    }

    /// Handles one message: `None` to read on, or what `next` returns.
    fn handle(&mut self, message: jetstream::Message) -> Option<Result<Delivery, RecvError>> {
        let (position, renamed) = match message.info() {
            Ok(info) => (info.stream_sequence, (info.consumer != self.consumer).then(|| info.consumer.to_owned())),
            Err(error) => {
                tracing::warn!(subject = %message.subject, %error, "message without JetStream metadata; skipped");
                return None;
            }
        };
        if position <= self.cursor {
            // An ordered consumer that re-creates itself before its first message starts over
            // from the beginning of the log: start again where we are instead.
            self.reopen = true;
            return None;
        }
        if let Some(name) = renamed {
            // It re-created itself: maybe after losing messages. Check before going on.
            if let Some(cleanup) = self.cleanup.as_mut() {
                cleanup.rename(&name);
            }
            self.consumer = name;
            self.check = true;
            self.held = Some(message);
            return None;
        }
        if matches!(self.follow, Follow::All) && position > self.cursor + 1 {
            // Reading everything, every position is ours: a gap is events lost.
            let lost = position - self.cursor - 1;
            self.cursor = position - 1;
            self.held = Some(message);
            return Some(Err(RecvError::Lagged(lost)));
        }
        self.cursor = position;
        let wanted = match (self.shared.subjects.parse(&message.subject)?, &self.follow) {
            (Carries::Tick, _) => false,
            (_, Follow::All) => true,
            (Carries::Topic(topic), Follow::Topics(topics)) => {
                topics.contains(&topic) && self.starts.get(&topic).is_none_or(|from| position > *from)
            }
            (Carries::Untargeted, Follow::Topics(_)) => false,
        };
        if !wanted {
            return None;
        }
        let event = match wire::decode(&message.payload) {
            Ok(event) => event,
            Err(error) => {
                tracing::warn!(position, %error, "undecodable event in the log; skipped");
                return None;
            }
        };
        if !self.recent.insert(event.id) {
            return None;
        }
        Some(Ok(Delivery { position: wire::event_position(&message, position), event: Arc::new(event) }))
    }

    /// Compares the log with the cursor; `Some(n)` when `n` events (at most) were lost.
    async fn check_log(&mut self) -> Option<u64> {
        let log = loop {
            match self.shared.log_state_or_create().await {
                Ok(log) => break log,
                Err(error) => {
                    tracing::debug!(%error, "cannot read the event log's state yet");
                    tokio::time::sleep(RETRY).await;
                }
            }
        };
        self.check = false;
        if log.created != self.created || log.last < self.cursor {
            // NATS lost the stream: positions began again, and what the old one held unread
            // is gone. Read the new one from its start.
            let lost = self.cursor.saturating_sub(log.last).max(1);
            tracing::error!(cursor = self.cursor, last = log.last, "the event stream was lost; events missed");
            self.created = log.created;
            self.cursor = 0;
            self.held = None;
            self.reopen = true;
            return Some(lost);
        }
        // Positions between the cursor and the held message (or the log's start) that the log
        // no longer holds were never read: they aged out while we were away. When following
        // topics, some of them may not have been ours; the count is an upper bound.
        let next_read = self.held.as_ref().and_then(|m| m.info().ok()).map_or(u64::MAX, |i| i.stream_sequence);
        let gone_until = log.first.min(next_read);
        if gone_until > self.cursor + 1 {
            let lost = gone_until - self.cursor - 1;
            tracing::warn!(cursor = self.cursor, first = log.first, lost, "events aged out of the log unread");
            self.cursor = gone_until - 1;
            return Some(lost);
        }
        None
    }
}

#[async_trait::async_trait]
impl Subscription for NatsSubscription {
    async fn next(&mut self) -> Result<Delivery, RecvError> {
        // Every await below leaves the state consistent (flags are cleared only after the work
        // they ask for is done, messages are held before awaiting), so it is cancel-safe.
        loop {
            if self.check {
                if let Some(lost) = self.check_log().await {
                    return Err(RecvError::Lagged(lost));
                }
                continue;
            }
            if self.reopen || self.messages.is_none() {
                if let Err(error) = self.open(None).await {
                    tracing::warn!(%error, "cannot re-create the event consumer; retrying");
                    tokio::time::sleep(RETRY).await;
                }
                continue;
            }
            let message = match self.held.take() {
                Some(message) => message,
                None => match self.receive().await {
                    Some(message) => message,
                    None => continue,
                },
            };
            if let Some(outcome) = self.handle(message) {
                return outcome;
            }
        }
    }

    async fn follow(&mut self, topics: &[Topic], from: Option<Position>) -> Result<(), BusError> {
        let Follow::Topics(followed) = &self.follow else { return Ok(()) };
        let new: Vec<Topic> = topics.iter().filter(|t| !followed.contains(t)).copied().collect();
        if new.is_empty() {
            return Ok(());
        }
        let from = match from {
            Some(from) => from,
            None => self.shared.log_state_or_create().await?.last,
        };
        self.starts.retain(|_, start| *start > self.cursor);
        if from > self.cursor {
            self.starts.extend(new.iter().map(|topic| (*topic, from)));
        }
        let wanted = followed.iter().chain(&new).copied().collect();
        self.refollow(wanted).await
    }

    async fn unfollow(&mut self, topics: &[Topic]) -> Result<(), BusError> {
        let Follow::Topics(followed) = &self.follow else { return Ok(()) };
        let wanted = followed.iter().filter(|t| !topics.contains(t)).copied().collect();
        for topic in topics {
            self.starts.remove(topic);
        }
        self.refollow(wanted).await
    }

    fn position(&self) -> Position {
        self.cursor
    }
}
