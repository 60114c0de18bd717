//! Getting ready: the connection (with its reconnect signal), the event stream and the session
//! bucket, created or brought up to date at connect, and the task that ticks the log.

use std::sync::Arc;
use std::time::Duration;

use accord_bus::BusError;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::{self, kv, stream};
use async_nats::{Client, ConnectOptions, Event};
use tokio::sync::watch;
use tokio::task::AbortHandle;

use crate::NatsBusConfig;
use crate::subjects::Subjects;

/// Attempts at creating a resource that other processes may be creating at the same time, or
/// that a busy JetStream took longer than a request's timeout to create (file storage syncs to
/// disk, and on a loaded machine that has taken more than the timeout).
const CREATE_ATTEMPTS: usize = 3;

/// Connects, failing within `config.request_timeout` when NATS cannot be reached (no retry in
/// the background: the caller decides whether to wait and try again). Once connected, the client
/// reconnects by itself for ever; each reconnection bumps `reconnects`.
pub(crate) async fn connect(
    url: &str,
    config: &NatsBusConfig,
    reconnects: Arc<watch::Sender<u64>>,
) -> Result<Client, BusError> {
    ConnectOptions::new()
        .name("accord")
        .connection_timeout(config.request_timeout)
        .request_timeout(Some(config.request_timeout))
        // Quick first retries, at most 2 s apart: a restarted NATS is back in use at once.
        .reconnect_delay_callback(|attempts| Duration::from_millis((attempts as u64 * 250).min(2_000)))
        .event_callback(move |event| {
            let reconnects = reconnects.clone();
            async move {
                match event {
                    Event::Connected => {
                        reconnects.send_modify(|n| *n += 1);
                        tracing::info!("connected to NATS");
                    }
                    Event::Disconnected => tracing::warn!("lost the NATS connection; reconnecting"),
                    other => tracing::debug!(event = %other, "NATS client event"),
                }
            }
        })
        .connect(url)
        .await
        .map_err(|e| BusError::Unavailable(format!("cannot connect to NATS at {url}: {e}")))
}

/// The JetStream handle: every request, publish acknowledgement included, bounded by the
/// configured timeout, so nothing waits long on a NATS that is down.
pub(crate) fn jetstream(client: Client, config: &NatsBusConfig) -> jetstream::Context {
    jetstream::ContextBuilder::new().timeout(config.request_timeout).build(client)
}

/// The event stream's settings: file storage (JetStream must persist what it acknowledged),
/// limits retention by age, one subject tree per prefix.
pub(crate) fn stream_config(config: &NatsBusConfig, subjects: &Subjects) -> stream::Config {
    stream::Config {
        name: config.stream.clone(),
        description: Some("Accord event log (replay window; the database holds the truth)".into()),
        subjects: vec![subjects.all()],
        storage: stream::StorageType::File,
        retention: stream::RetentionPolicy::Limits,
        discard: stream::DiscardPolicy::Old,
        max_age: config.max_age,
        duplicate_window: config.effective_duplicate_window(),
        num_replicas: config.replicas,
        ..Default::default()
    }
}

/// Creates the event stream or updates it to `config`. Several processes may do this at once:
/// one that loses the race to create retries, and finds the stream to update.
pub(crate) async fn ensure_stream(js: &jetstream::Context, config: stream::Config) -> Result<(), BusError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match js.create_or_update_stream(config.clone()).await {
            Ok(_) => return Ok(()),
            Err(error) if attempt < CREATE_ATTEMPTS && worth_retrying(&error) => {
                tracing::debug!(stream = %config.name, %error, "stream setup failed; trying again");
            }
            Err(error) => {
                return Err(BusError::Unavailable(format!("cannot set up the stream {}: {error}", config.name)));
            }
        }
    }
}

/// Created by another process meanwhile (the next attempt updates it), or timed out (the next
/// attempt creates it, or updates it if the timed-out request did create it).
fn worth_retrying(error: &jetstream::context::CreateStreamError) -> bool {
    match error.kind() {
        jetstream::context::CreateStreamErrorKind::JetStream(e) => {
            e.error_code() == jetstream::ErrorCode::STREAM_NAME_EXIST
        }
        kind => kind == jetstream::context::CreateStreamErrorKind::TimedOut,
    }
}

/// Creates the session bucket or updates it: one value per session, kept `session_ttl` after
/// its last save.
pub(crate) async fn ensure_bucket(js: &jetstream::Context, config: &NatsBusConfig) -> Result<kv::Store, BusError> {
    let bucket = kv::Config {
        bucket: config.session_bucket.clone(),
        description: "Accord gateway sessions' resume state".into(),
        history: 1,
        max_age: config.session_ttl,
        storage: stream::StorageType::File,
        num_replicas: config.replicas,
        ..Default::default()
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        match js.create_or_update_key_value(bucket.clone()).await {
            Ok(store) => return Ok(store),
            // The bucket's stream may be being created by another process; its error is not
            // kept apart from others here, so any JetStream error is tried again, as is a
            // timeout.
            Err(error)
                if attempt < CREATE_ATTEMPTS
                    && matches!(
                        error.kind(),
                        jetstream::context::CreateKeyValueErrorKind::JetStream
                            | jetstream::context::CreateKeyValueErrorKind::TimedOut
                    ) =>
            {
                tracing::debug!(bucket = %bucket.bucket, %error, "bucket setup failed; trying again");
            }
            Err(error) => {
                return Err(BusError::Unavailable(format!("cannot set up the bucket {}: {error}", bucket.bucket)));
            }
        }
    }
}

/// Publishes a tick every `every` while connected. All processes tick, and the message id
/// names the interval, so JetStream keeps about one tick per interval whatever their number.
pub(crate) fn spawn_ticks(js: jetstream::Context, subject: String, every: Duration) -> AbortHandle {
    let task = async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            if js.client().connection_state() != async_nats::connection::State::Connected {
                continue;
            }
            let slot = accord_core::time::now_ms() / every.as_millis().max(1) as u64;
            let publish = PublishMessage::build().message_id(format!("tick:{slot}"));
            let acked = match js.send_publish(subject.clone(), publish).await {
                Ok(ack) => ack.await.map(drop).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(error) = acked {
                tracing::debug!(%error, "tick not published");
            }
        }
    };
    tokio::spawn(task).abort_handle()
}

/// Deletes a consumer when dropped (in the background, best effort), so replaced and finished
/// consumers go at once instead of after their inactivity threshold.
pub(crate) struct DeleteConsumer {
    js: jetstream::Context,
    stream: String,
    name: String,
}

impl DeleteConsumer {
    pub(crate) fn new(js: &jetstream::Context, stream: &str, name: &str) -> Self {
        Self { js: js.clone(), stream: stream.to_owned(), name: name.to_owned() }
    }

    /// The consumer now goes by `name` (an ordered consumer re-created itself).
    pub(crate) fn rename(&mut self, name: &str) {
        name.clone_into(&mut self.name);
    }
}

impl Drop for DeleteConsumer {
    fn drop(&mut self) {
        // Outside a runtime (at process exit) the server's inactivity threshold does it.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let (js, stream, name) = (self.js.clone(), std::mem::take(&mut self.stream), std::mem::take(&mut self.name));
        runtime.spawn(async move {
            if let Err(error) = js.delete_consumer_from_stream(&name, &stream).await {
                tracing::debug!(consumer = %name, %error, "could not delete a consumer");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use async_nats::jetstream::context::{CreateStreamError, CreateStreamErrorKind};

    use super::worth_retrying;

    #[test]
    fn a_timed_out_stream_setup_is_tried_again_and_a_bad_name_is_not() {
        assert!(worth_retrying(&CreateStreamError::new(CreateStreamErrorKind::TimedOut)));
        assert!(!worth_retrying(&CreateStreamError::new(CreateStreamErrorKind::InvalidStreamName)));
        assert!(!worth_retrying(&CreateStreamError::new(CreateStreamErrorKind::JetStreamUnavailable)));
    }
}
