//! [`NatsBus`]: the [`Bus`] on JetStream. Publishing stores an event once per topic and waits
//! for JetStream's acknowledgements; subscribing and replaying are in their own modules; session
//! state lives in a KV bucket.

use std::fmt::Display;
use std::sync::Arc;

use accord_bus::topic::topics_of;
use accord_bus::{Bus, BusError, Delivery, Position, ReplayError, Subscription, Topic};
use accord_store::EventDraft;
use async_nats::connection::State;
use async_nats::datetime::DateTime;
use async_nats::jetstream::context::{GetStreamErrorKind, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::{self, ErrorCode, kv};
use bytes::Bytes;
use tokio::sync::watch;
use tokio::task::AbortHandle;

use crate::subjects::{Subjects, message_id};
use crate::subscription::{Follow, NatsSubscription};
use crate::{NatsBusConfig, replay, setup, wire};

/// The bus, event log and session store on one NATS connection. See the crate docs.
pub struct NatsBus {
    shared: Arc<Shared>,
    /// Session resume states, one entry per session id.
    sessions: kv::Store,
    /// The task that ticks the log; stopped when the bus is dropped.
    ticks: AbortHandle,
}

/// What the bus and its subscriptions share.
pub(crate) struct Shared {
    pub(crate) js: jetstream::Context,
    pub(crate) subjects: Subjects,
    pub(crate) config: NatsBusConfig,
    /// Bumped on every (re)connection: subscriptions then check whether the log still holds
    /// what they have not read, and re-create their consumers.
    pub(crate) reconnects: Arc<watch::Sender<u64>>,
}

/// Where the log stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogState {
    /// The oldest position still held (the one after `last` when the log is empty).
    pub(crate) first: Position,
    pub(crate) last: Position,
    /// When the stream was created: a different value means NATS lost it and positions began
    /// again from 1.
    pub(crate) created: DateTime,
}

impl Shared {
    /// The log's state; `None` when the stream does not exist (NATS lost its data).
    pub(crate) async fn log_state(&self) -> Result<Option<LogState>, BusError> {
        match self.js.get_stream(&self.config.stream).await {
            Ok(stream) => {
                let info = stream.cached_info();
                Ok(Some(LogState {
                    first: info.state.first_sequence,
                    last: info.state.last_sequence,
                    created: info.created,
                }))
            }
            Err(error) => match error.kind() {
                GetStreamErrorKind::JetStream(e) if e.error_code() == ErrorCode::STREAM_NOT_FOUND => Ok(None),
                _ => Err(unavailable(error)),
            },
        }
    }

    /// The log's state, creating the stream afresh if NATS lost it.
    pub(crate) async fn log_state_or_create(&self) -> Result<LogState, BusError> {
        if let Some(state) = self.log_state().await? {
            return Ok(state);
        }
        tracing::warn!(stream = %self.config.stream, "the event stream is gone; creating it again");
        self.ensure_stream().await?;
        self.log_state().await?.ok_or_else(|| unavailable("the event stream vanished after creation"))
    }

    pub(crate) async fn ensure_stream(&self) -> Result<(), BusError> {
        setup::ensure_stream(&self.js, setup::stream_config(&self.config, &self.subjects)).await
    }
}

pub(crate) fn unavailable(error: impl Display) -> BusError {
    BusError::Unavailable(error.to_string())
}

impl NatsBus {
    /// Connects to the NATS server(s) at `url` (`nats://host:port`, comma-separated for a
    /// cluster) and creates or updates the stream and the bucket. Fails within about
    /// `config.request_timeout` per step when NATS cannot be reached; it does not wait for NATS
    /// to come up. Once connected, it rides out NATS restarts by itself.
    pub async fn connect(url: &str, config: NatsBusConfig) -> Result<Self, BusError> {
        let reconnects = Arc::new(watch::Sender::new(0));
        let client = setup::connect(url, &config, reconnects.clone()).await?;
        let js = setup::jetstream(client, &config);
        let subjects = Subjects::new(&config.prefix);
        setup::ensure_stream(&js, setup::stream_config(&config, &subjects)).await?;
        let sessions = setup::ensure_bucket(&js, &config).await?;
        let ticks = setup::spawn_ticks(js.clone(), subjects.tick(), config.effective_tick_interval());
        let shared = Arc::new(Shared { js, subjects, config, reconnects });
        Ok(Self { shared, sessions, ticks })
    }

    pub fn config(&self) -> &NatsBusConfig {
        &self.shared.config
    }

    /// The subjects and message ids of an event's copies, in publish order.
    fn copies(&self, event: &EventDraft) -> Vec<(String, String)> {
        let subjects = &self.shared.subjects;
        let mut topics: Vec<Topic> = Vec::new();
        for topic in topics_of(event) {
            if !topics.contains(&topic) {
                topics.push(topic);
            }
        }
        if topics.is_empty() {
            return vec![(subjects.untargeted(), message_id(event.id, 0, None))];
        }
        topics.iter().enumerate().map(|(n, t)| (subjects.topic(*t), message_id(event.id, n, Some(*t)))).collect()
    }
}

impl Drop for NatsBus {
    fn drop(&mut self) {
        self.ticks.abort();
    }
}

#[async_trait::async_trait]
impl Bus for NatsBus {
    async fn log_end(&self) -> Result<Position, BusError> {
        Ok(self.shared.log_state_or_create().await?.last)
    }

    async fn publish(&self, event: Arc<EventDraft>) -> Result<(), BusError> {
        let js = &self.shared.js;
        // Fail at once rather than after the timeout: the relay will try again.
        if js.client().connection_state() == State::Disconnected {
            return Err(BusError::Unavailable("not connected to NATS".into()));
        }
        let body: Bytes = wire::encode(&event);
        let publishing = async {
            // The first copy is acknowledged before the others go, which carry its position:
            // the event's place in the log is its first copy's, wherever it is read from, so
            // a replay from between two copies does not give it again.
            let mut copies = self.copies(&event).into_iter();
            let Some((subject, id)) = copies.next() else { return Ok(()) };
            let first = PublishMessage::build().payload(body.clone()).message_id(id);
            let first = js.send_publish(subject, first).await?.await?.sequence;
            let mut acks = Vec::new();
            for (subject, id) in copies {
                let copy = PublishMessage::build()
                    .payload(body.clone())
                    .message_id(id)
                    .header(wire::FIRST_COPY, first.to_string().as_str());
                acks.push(js.send_publish(subject, copy).await?);
            }
            for ack in acks {
                ack.await?;
            }
            Ok::<(), jetstream::context::PublishError>(())
        };
        // The context's timeout bounds each step; this bounds them together.
        let limit = self.shared.config.request_timeout * 2;
        match tokio::time::timeout(limit, publishing).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => {
                if error.kind() == PublishErrorKind::StreamNotFound {
                    // NATS lost the stream: make it again, so that the relay's retry succeeds.
                    if let Err(error) = self.shared.ensure_stream().await {
                        tracing::warn!(%error, "could not re-create the event stream");
                    }
                }
                Err(unavailable(format_args!("publishing event {}: {error}", event.id)))
            }
            Err(_) => Err(unavailable(format_args!("publishing event {}: timed out", event.id))),
        }
    }

    async fn subscribe(&self) -> Result<Box<dyn Subscription>, BusError> {
        Ok(Box::new(NatsSubscription::start(self.shared.clone(), Follow::All).await?))
    }

    async fn subscribe_topics(&self) -> Result<Box<dyn Subscription>, BusError> {
        Ok(Box::new(NatsSubscription::start(self.shared.clone(), Follow::Topics(Default::default())).await?))
    }

    async fn replay(
        &self,
        after: Position,
        until: Position,
        topics: &[Topic],
        limit: usize,
    ) -> Result<Vec<Delivery>, ReplayError> {
        replay::replay(&self.shared, after, until, topics, limit).await
    }

    async fn save_session(&self, session_id: &str, state: &[u8]) -> Result<(), BusError> {
        let value = Bytes::copy_from_slice(state);
        self.sessions.put(session_id, value).await.map(drop).map_err(unavailable)
    }

    async fn load_session(&self, session_id: &str) -> Result<Option<Vec<u8>>, BusError> {
        let value = self.sessions.get(session_id).await.map_err(unavailable)?;
        Ok(value.map(|bytes| bytes.to_vec()))
    }

    async fn remove_session(&self, session_id: &str) -> Result<(), BusError> {
        // Purge rather than delete: the old value goes, not just hidden behind a marker.
        self.sessions.purge(session_id).await.map_err(unavailable)
    }
}
