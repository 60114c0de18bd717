//! Reading a range of the log back for a resuming session: a short-lived consumer filtered on
//! the session's topics, starting just after its position, drained without waiting.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use accord_bus::{Delivery, Position, ReplayError, Topic};
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, pull};
use futures::StreamExt;

use crate::bus::Shared;
use crate::subjects::Carries;
use crate::{setup, wire};

/// Messages asked for per pull.
const BATCH: u64 = 512;

/// See [`accord_bus::Bus::replay`]. Positions are stream sequences; an event stored on several
/// of `topics` is given once, at its first copy in the range.
pub(crate) async fn replay(
    shared: &Shared,
    after: Position,
    until: Position,
    topics: &[Topic],
    limit: usize,
) -> Result<Vec<Delivery>, ReplayError> {
    let unavailable = |e: &dyn std::fmt::Display| ReplayError::Unavailable(e.to_string());
    let Some(log) = shared.log_state().await.map_err(|e| unavailable(&e))? else {
        // NATS lost the stream: nothing of the old positions is left.
        return Err(ReplayError::Expired);
    };
    // `after > last`: a position of a stream NATS has since lost and begun again.
    if log.first > after + 1 || after > log.last {
        return Err(ReplayError::Expired);
    }
    let until = until.min(log.last);
    let wanted: BTreeSet<Topic> = topics.iter().copied().collect();
    if wanted.is_empty() || until <= after {
        return Ok(Vec::new());
    }

    let filter = shared.subjects.filter(&wanted, shared.config.max_filter_subjects);
    let config = pull::Config {
        deliver_policy: DeliverPolicy::ByStartSequence { start_sequence: after + 1 },
        ack_policy: AckPolicy::None,
        filter_subjects: filter,
        memory_storage: true,
        num_replicas: 1,
        // Deleted when done; this is for a reader that died half-way.
        inactive_threshold: std::time::Duration::from_secs(10),
        ..Default::default()
    };
    let stream = &shared.config.stream;
    let consumer = shared.js.create_consumer_on_stream(config, stream).await.map_err(|e| unavailable(&e))?;
    let _cleanup = setup::DeleteConsumer::new(&shared.js, stream, &consumer.cached_info().name);

    // Matching messages from `after + 1` to the end of the log when the consumer was made.
    let mut remaining = consumer.cached_info().num_pending;
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    while remaining > 0 {
        let pull = consumer.fetch().max_messages(remaining.min(BATCH) as usize).messages();
        let mut batch = pull.await.map_err(|e| unavailable(&e))?;
        let mut got = 0;
        loop {
            let next = tokio::time::timeout(shared.config.request_timeout, batch.next()).await;
            let message = match next {
                Ok(Some(message)) => message.map_err(|e| unavailable(&e))?,
                Ok(None) => break,
                Err(_) => return Err(ReplayError::Unavailable("event log read timed out".into())),
            };
            got += 1;
            remaining = remaining.saturating_sub(1);
            let position = message.info().map_err(|e| unavailable(&e))?.stream_sequence;
            if position > until {
                return Ok(found);
            }
            let Some(Carries::Topic(topic)) = shared.subjects.parse(&message.subject) else { continue };
            // A later copy of an event whose first copy is at or before `after` was given before.
            let event_position = wire::event_position(&message, position);
            if !wanted.contains(&topic) || event_position <= after {
                continue;
            }
            let event = match wire::decode(&message.payload) {
                Ok(event) => event,
                Err(error) => {
                    tracing::warn!(position, %error, "undecodable event in the log; skipped");
                    continue;
                }
            };
            if seen.insert(event.id) {
                if found.len() == limit {
                    return Err(ReplayError::Expired);
                }
                found.push(Delivery { position: event_position, event: Arc::new(event) });
            }
        }
        if got == 0 {
            // The rest aged out while being read.
            break;
        }
    }
    Ok(found)
}
