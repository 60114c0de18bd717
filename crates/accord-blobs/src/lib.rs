//! Accord's blob storage: the bytes of attachments, avatars and emoji, each kept under a
//! [`BlobKey`] together with its content type. Services hold a [`BlobHandle`]; the one
//! implementation, [`ObjectBlobs`], runs on the `object_store` crate over a directory on the
//! local disk (one process) or an S3-compatible bucket (a cluster), and proves it by running
//! the `contract` suite on both.
//!
//! A blob store may be down; every call can fail with [`BlobError::Unavailable`], quickly,
//! and callers decide what that means (an upload is refused, the rest of chat carries on).
//!
//! Parts: [`key`] (what a key may be), [`error`], [`object`] (the implementation),
//! `contract` (feature `contract`).

#[cfg(feature = "contract")]
pub mod contract;
pub mod error;
pub mod key;
pub mod object;

use std::sync::Arc;

use bytes::Bytes;

pub use error::{BlobError, BlobResult};
pub use key::{BlobKey, InvalidBlobKey};
pub use object::{ObjectBlobs, S3Settings};

/// A stored blob read back whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub bytes: Bytes,
    /// As given to [`BlobStore::put`].
    pub content_type: String,
}

/// What [`BlobStore::head`] tells about a blob without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    /// Length in bytes.
    pub size: u64,
    /// As given to [`BlobStore::put`].
    pub content_type: String,
}

/// Bytes under keys, each with a content type. Writes are whole-object and atomic: a reader
/// sees the old blob or the new one, never a part.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` under `key` with `content_type` (a MIME type such as `image/png`, at most
    /// 255 visible ASCII characters), replacing what was there. Once this returns the blob is
    /// durable. A content type that is not a valid header value is an [`BlobError::Internal`]
    /// error and stores nothing.
    async fn put(&self, key: &BlobKey, bytes: Bytes, content_type: &str) -> BlobResult<()>;

    /// Starts a blob written in parts, for bytes that arrive over time (uploads): only about a
    /// part's worth is held in memory. Nothing shows under `key` until the writer finishes.
    async fn writer(&self, key: &BlobKey, content_type: &str) -> BlobResult<Box<dyn BlobWriter>>;

    /// The blob under `key`, or [`BlobError::NotFound`].
    async fn get(&self, key: &BlobKey) -> BlobResult<Blob>;

    /// The size and content type of the blob under `key`, or `None` when there is none.
    async fn head(&self, key: &BlobKey) -> BlobResult<Option<BlobMeta>>;

    /// Whether a blob is stored under `key`.
    async fn exists(&self, key: &BlobKey) -> BlobResult<bool> {
        Ok(self.head(key).await?.is_some())
    }

    /// Removes the blob under `key`; removing one that is not there succeeds.
    async fn delete(&self, key: &BlobKey) -> BlobResult<()>;

    /// Removes every blob whose key starts with the segments of `prefix` (`attachments/7`
    /// covers `attachments/7/...`, not `attachments/70/...`); returns how many went.
    async fn delete_prefix(&self, prefix: &BlobKey) -> BlobResult<u64>;

    /// Succeeds when the store answers; fails within a second when it does not (for `/ready`).
    async fn ping(&self) -> BlobResult<()>;
}

/// A blob being written in parts (see [`BlobStore::writer`]).
#[async_trait::async_trait]
pub trait BlobWriter: Send {
    /// Appends bytes.
    async fn write(&mut self, chunk: Bytes) -> BlobResult<()>;

    /// Completes the blob: from now on it reads back whole, durable.
    async fn finish(self: Box<Self>) -> BlobResult<()>;

    /// Gives up: nothing is left under the key (also when the writer is just dropped).
    async fn abort(self: Box<Self>);
}

/// The handle services hold.
pub type BlobHandle = Arc<dyn BlobStore>;
