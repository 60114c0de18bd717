//! Group commit for new messages. With `synchronous = FULL` every commit waits for an fsync
//! (about 3 ms here), so one transaction per message caps sends at a few hundred a second.
//! One writer task takes every message waiting when it starts a transaction, writes each in a
//! savepoint of its own (so one failing leaves the rest), commits once, and only then answers
//! each sender: an acknowledged message is always on disk, and one fsync covers the batch.
//!
//! The outbox relay's deletes of published events go through the same writer: as separate
//! transactions they would contend for SQLite's write lock, whose busy handler sleeps for
//! milliseconds at a time, and each would pay an fsync of its own.

use accord_store::moderation::AUDIT_LOG_EVENT;
use accord_store::{CreatedMessage, EventDraft, MessageRecord, StoreError, StoreResult};
use sqlx::{Connection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::error::db;

/// The most messages one transaction takes; bounds how long the write lock is held.
const MAX_BATCH: usize = 256;

/// Messages waiting for the writer; senders past this wait for room (backpressure).
const QUEUE: usize = 4096;

/// One write waiting for the writer, and who to tell.
enum Pending {
    /// A new message with its events.
    Create { message: Box<MessageRecord>, events: Vec<EventDraft>, done: oneshot::Sender<StoreResult<CreatedMessage>> },
    /// Forget the outbox's events up to a position: they are published.
    Forget { up_to: i64, done: oneshot::Sender<StoreResult<()>> },
}

/// The handle the store keeps: sends messages to the writer task.
#[derive(Debug, Clone)]
pub(crate) struct MessageWriter {
    queue: mpsc::Sender<Pending>,
}

impl MessageWriter {
    /// Starts the writer task on the current runtime; it ends when every handle is dropped.
    pub(crate) fn start(pool: SqlitePool) -> MessageWriter {
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(pool, waiting));
        MessageWriter { queue }
    }

    /// Writes `message` with `events` and answers once the transaction holding it committed.
    pub(crate) async fn create(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<CreatedMessage> {
        let (done, answer) = oneshot::channel();
        self.submit(Pending::Create { message: Box::new(message.clone()), events: events.to_vec(), done }, answer).await
    }

    /// Deletes the outbox's events up to `up_to` and answers once that committed.
    pub(crate) async fn forget_published(&self, up_to: i64) -> StoreResult<()> {
        let (done, answer) = oneshot::channel();
        self.submit(Pending::Forget { up_to, done }, answer).await
    }

    async fn submit<T>(&self, pending: Pending, answer: oneshot::Receiver<StoreResult<T>>) -> StoreResult<T> {
        let stopped = || StoreError::Unavailable("the message writer has stopped".into());
        self.queue.send(pending).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// The writer task: one transaction per batch of whatever is waiting, until the queue closes.
async fn write_batches(pool: SqlitePool, mut waiting: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while waiting.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let results = write_batch(&pool, &batch).await;
        for (pending, result) in batch.drain(..).zip(results) {
            // A sender that gave up (its request was cancelled) still had its write made.
            match (pending, result) {
                (Pending::Create { done, .. }, result) => {
                    let missing = || StoreError::Internal("a message write made no message".into());
                    drop(done.send(result.and_then(|created| created.ok_or_else(missing))))
                }
                (Pending::Forget { done, .. }, result) => drop(done.send(result.map(drop))),
            }
        }
    }
}

/// What one write of a batch came to: a message's outcome, or `None` for a forget.
type Outcome = StoreResult<Option<CreatedMessage>>;

/// Writes `batch` in one transaction; returns each write's outcome, all failed if the
/// transaction could not begin or commit. Plain new messages go in together; the rest (and
/// plain ones too, if writing them together failed) go one at a time.
async fn write_batch(pool: &SqlitePool, batch: &[Pending]) -> Vec<Outcome> {
    let mut tx = match pool.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(e) => return every(batch, db(e)),
    };
    let mut results: Vec<Option<Outcome>> = batch.iter().map(|_| None).collect();
    let plain: Vec<usize> = (0..batch.len()).filter(|&i| is_plain(&batch[i])).collect();
    if !plain.is_empty() && write_plain(&mut tx, batch, &plain).await.is_ok() {
        for &i in &plain {
            if let Pending::Create { message, .. } = &batch[i] {
                results[i] = Some(Ok(Some(CreatedMessage::New(message.as_ref().clone()))));
            }
        }
    }
    for (pending, result) in batch.iter().zip(results.iter_mut()) {
        if result.is_none() {
            *result = Some(write_one(&mut tx, pending).await);
        }
    }
    match tx.commit().await {
        Ok(()) => results.into_iter().map(|r| r.unwrap_or(Ok(None))).collect(),
        Err(e) => every(batch, db(e)),
    }
}

/// A new message that can be written with others: no enforced nonce (which may resolve to an
/// existing message) and no audit log entry among its events.
fn is_plain(pending: &Pending) -> bool {
    match pending {
        Pending::Create { message, events, .. } => {
            !message.enforced_nonce && events.iter().all(|e| e.name != AUDIT_LOG_EVENT)
        }
        Pending::Forget { .. } => false,
    }
}

/// Writes the plain messages at `plain` together, in a savepoint undone if any part fails.
async fn write_plain(tx: &mut sqlx::SqliteConnection, batch: &[Pending], plain: &[usize]) -> sqlx::Result<()> {
    let (mut messages, mut events) = (Vec::with_capacity(plain.len()), Vec::with_capacity(plain.len()));
    for &i in plain {
        if let Pending::Create { message, events: drafts, .. } = &batch[i] {
            messages.push(message.as_ref());
            events.extend(drafts);
        }
    }
    let mut savepoint = tx.begin().await?;
    match crate::message_batch::create_all(&mut savepoint, &messages, &events).await {
        Ok(()) => savepoint.commit().await,
        Err(e) => {
            tracing::warn!(error = %e, messages = messages.len(), "writing messages together failed; writing one at a time");
            savepoint.rollback().await?;
            Err(e)
        }
    }
}

/// Makes one write in a savepoint, rolled back if any step fails.
async fn write_one(tx: &mut sqlx::SqliteConnection, pending: &Pending) -> Outcome {
    let mut savepoint = tx.begin().await.map_err(db)?;
    let written = match pending {
        Pending::Create { message, events, .. } => {
            crate::messages::create(&mut savepoint, message, events).await.map(Some)
        }
        Pending::Forget { up_to, .. } => crate::outbox::forget(&mut savepoint, *up_to).await.map(|_| None),
    };
    match written {
        Ok(created) => {
            savepoint.commit().await.map_err(db)?;
            Ok(created)
        }
        Err(e) => {
            savepoint.rollback().await.map_err(db)?;
            Err(db(e))
        }
    }
}

/// The same error for every write of `batch`.
fn every(batch: &[Pending], error: StoreError) -> Vec<Outcome> {
    batch.iter().map(|_| Err(error.clone())).collect()
}
