//! [`ObjectBlobs`]: the [`BlobStore`] over the `object_store` crate, opened from a URL:
//! `file:///abs/dir` or a plain directory path for the local disk, `s3://bucket[/prefix]` for
//! an S3-compatible bucket.
//!
//! S3 keeps a blob's content type as the object's `Content-Type`. Files on the local disk have
//! no such attribute, so there the content type is a small sidecar object `<key>#type` written
//! before the blob and removed after it (no key contains `#`, so the two never collide). A
//! blob replaced there while it is read may briefly pair the old bytes with the new content
//! type; keys name ids and are written once in practice.
//!
//! Parts: `local` and [`s3`] open each backend, `failure` sorts `object_store`'s errors.

mod failure;
mod local;
pub mod s3;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use object_store::path::Path;
use object_store::{
    Attribute, AttributeValue, Attributes, GetOptions, ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions,
    PutPayload, WriteMultipart,
};

pub use s3::S3Settings;

use crate::{Blob, BlobError, BlobKey, BlobMeta, BlobResult, BlobStore, BlobWriter};

/// How long [`BlobStore::ping`] waits for an answer: `/ready` must answer within the second
/// load balancers commonly allow it.
pub const PING_TIMEOUT: Duration = Duration::from_millis(800);

/// The content type of a blob stored without one (e.g. placed in the directory by hand).
const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";

/// A blob store on a local directory or an S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct ObjectBlobs {
    store: Arc<dyn ObjectStore>,
    backend: Backend,
}

/// Where the objects live, which decides where content types are kept and what a ping checks.
#[derive(Debug, Clone)]
enum Backend {
    /// A directory: content types in sidecar objects; a ping checks the directory is there.
    Local { dir: PathBuf },
    /// A bucket: content types as object attributes; a ping lists an empty prefix.
    S3,
}

impl ObjectBlobs {
    /// Opens the store `url` names, reading S3 settings from the environment (see
    /// [`S3Settings::from_env`]). Makes a local directory if missing; does not contact S3,
    /// so a store that is down opens and answers [`BlobError::Unavailable`] until it is up.
    pub fn open(url: &str) -> BlobResult<Self> {
        Self::open_with(url, &S3Settings::from_env())
    }

    /// Like [`ObjectBlobs::open`] with explicit S3 settings.
    pub fn open_with(url: &str, settings: &S3Settings) -> BlobResult<Self> {
        if let Some(rest) = url.strip_prefix("s3://") {
            let store = s3::open(rest, settings)?;
            return Ok(Self { store, backend: Backend::S3 });
        }
        let dir = match url.strip_prefix("file://") {
            Some(path) if path.starts_with('/') => PathBuf::from(path),
            Some(_) => return Err(BlobError::Internal(format!("{url:?} is not file:///<absolute path>"))),
            None if url.contains("://") => {
                let expected = "file:///<dir>, a directory path or s3://<bucket>[/<prefix>]";
                return Err(BlobError::Internal(format!("blob storage must be {expected}, not {url:?}")));
            }
            None => PathBuf::from(url),
        };
        let store = local::open(&dir)?;
        Ok(Self { store, backend: Backend::Local { dir } })
    }

    async fn put_inner(&self, key: &BlobKey, bytes: Bytes, content_type: &str) -> object_store::Result<()> {
        let path = path(key);
        match &self.backend {
            Backend::S3 => {
                let value = AttributeValue::from(content_type.to_owned());
                let attributes = Attributes::from_iter([(Attribute::ContentType, value)]);
                let options = PutOptions { attributes, ..PutOptions::default() };
                self.store.put_opts(&path, PutPayload::from(bytes), options).await?;
            }
            Backend::Local { .. } => {
                let content_type = Bytes::copy_from_slice(content_type.as_bytes());
                self.store.put(&sidecar(key), PutPayload::from(content_type)).await?;
                self.store.put(&path, PutPayload::from(bytes)).await?;
            }
        }
        Ok(())
    }

    /// The content type kept beside a local blob (the default when the sidecar is missing).
    async fn sidecar_type(&self, key: &BlobKey) -> object_store::Result<String> {
        match self.store.get(&sidecar(key)).await {
            Ok(found) => Ok(String::from_utf8_lossy(&found.bytes().await?).into_owned()),
            Err(object_store::Error::NotFound { .. }) => Ok(DEFAULT_CONTENT_TYPE.to_owned()),
            Err(other) => Err(other),
        }
    }
}

#[async_trait::async_trait]
impl BlobStore for ObjectBlobs {
    async fn put(&self, key: &BlobKey, bytes: Bytes, content_type: &str) -> BlobResult<()> {
        check_content_type(content_type)?;
        self.put_inner(key, bytes, content_type).await.map_err(failure::classify)
    }

    async fn writer(&self, key: &BlobKey, content_type: &str) -> BlobResult<Box<dyn BlobWriter>> {
        check_content_type(content_type)?;
        let path = path(key);
        let upload = match &self.backend {
            Backend::S3 => {
                let value = AttributeValue::from(content_type.to_owned());
                let attributes = Attributes::from_iter([(Attribute::ContentType, value)]);
                let options = PutMultipartOptions { attributes, ..PutMultipartOptions::default() };
                self.store.put_multipart_opts(&path, options).await
            }
            Backend::Local { .. } => {
                let content_type = Bytes::copy_from_slice(content_type.as_bytes());
                self.store.put(&sidecar(key), PutPayload::from(content_type)).await.map_err(failure::classify)?;
                self.store.put_multipart(&path).await
            }
        };
        let upload = upload.map_err(failure::classify)?;
        let sidecar = matches!(self.backend, Backend::Local { .. }).then(|| (self.store.clone(), sidecar(key)));
        Ok(Box::new(ObjectWriter { parts: WriteMultipart::new(upload), sidecar }))
    }

    async fn delete_prefix(&self, prefix: &BlobKey) -> BlobResult<u64> {
        use futures::{StreamExt, TryStreamExt};
        let listed = self.store.list(Some(&path(prefix))).map_ok(|meta| meta.location).boxed();
        let deleted = self.store.delete_stream(listed).try_collect::<Vec<Path>>().await.map_err(failure::classify)?;
        // On the local disk each blob has a content-type sidecar, listed and deleted with it.
        let blobs = deleted.iter().filter(|p| !p.as_ref().ends_with("#type")).count();
        Ok(blobs as u64)
    }

    async fn get(&self, key: &BlobKey) -> BlobResult<Blob> {
        let found = self.store.get(&path(key)).await.map_err(failure::classify)?;
        let stored_type = found.attributes.get(&Attribute::ContentType).map(|v| v.as_ref().to_owned());
        let bytes = found.bytes().await.map_err(failure::classify)?;
        let content_type = match &self.backend {
            Backend::S3 => stored_type.unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_owned()),
            Backend::Local { .. } => self.sidecar_type(key).await.map_err(failure::classify)?,
        };
        Ok(Blob { bytes, content_type })
    }

    async fn head(&self, key: &BlobKey) -> BlobResult<Option<BlobMeta>> {
        let outcome = match &self.backend {
            Backend::S3 => {
                let options = GetOptions { head: true, ..GetOptions::default() };
                self.store.get_opts(&path(key), options).await.map(|found| {
                    let content_type = found.attributes.get(&Attribute::ContentType).map(|v| v.as_ref().to_owned());
                    (found.meta.size, content_type.unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_owned()))
                })
            }
            Backend::Local { .. } => match self.store.head(&path(key)).await {
                Ok(meta) => self.sidecar_type(key).await.map(|content_type| (meta.size, content_type)),
                Err(e) => Err(e),
            },
        };
        match outcome {
            Ok((size, content_type)) => Ok(Some(BlobMeta { size, content_type })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(other) => Err(failure::classify(other)),
        }
    }

    async fn delete(&self, key: &BlobKey) -> BlobResult<()> {
        let mut paths = vec![path(key)];
        if let Backend::Local { .. } = self.backend {
            paths.push(sidecar(key));
        }
        for path in paths {
            match self.store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(other) => return Err(failure::classify(other)),
            }
        }
        Ok(())
    }

    async fn ping(&self) -> BlobResult<()> {
        let check = async {
            match &self.backend {
                Backend::Local { dir } => match tokio::fs::metadata(dir).await {
                    Ok(meta) if meta.is_dir() => Ok(()),
                    Ok(_) => Err(BlobError::Unavailable(format!("{} is not a directory", dir.display()))),
                    Err(e) => Err(BlobError::Unavailable(format!("{}: {e}", dir.display()))),
                },
                // Lists a prefix that holds nothing: answers only if the bucket exists and the
                // credentials are good, and costs one cheap request.
                Backend::S3 => match self.store.list_with_delimiter(Some(&Path::from(".accord-ping"))).await {
                    Ok(_) => Ok(()),
                    Err(object_store::Error::NotFound { .. }) => {
                        Err(BlobError::Internal("the bucket does not exist".to_owned()))
                    }
                    Err(other) => Err(failure::classify(other)),
                },
            }
        };
        tokio::time::timeout(PING_TIMEOUT, check)
            .await
            .unwrap_or_else(|_| Err(BlobError::Unavailable(format!("no answer within {PING_TIMEOUT:?}"))))
    }
}

/// A key as an object path, unchanged: the object's name is the key's text.
/// An `object_store` multipart upload: parts of 5 MiB (S3's least) go out as they fill, at most
/// [`PARTS_IN_FLIGHT`] at a time; the object appears on completion.
struct ObjectWriter {
    parts: WriteMultipart,
    /// On the local disk, the content-type sidecar written up front, removed on abort.
    sidecar: Option<(Arc<dyn ObjectStore>, Path)>,
}

/// Parts uploading at once per writer, which bounds its memory to a few parts.
const PARTS_IN_FLIGHT: usize = 2;

#[async_trait::async_trait]
impl BlobWriter for ObjectWriter {
    async fn write(&mut self, chunk: Bytes) -> BlobResult<()> {
        self.parts.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(failure::classify)?;
        self.parts.put(chunk);
        Ok(())
    }

    async fn finish(self: Box<Self>) -> BlobResult<()> {
        self.parts.finish().await.map(drop).map_err(failure::classify)
    }

    async fn abort(self: Box<Self>) {
        let _ = self.parts.abort().await;
        if let Some((store, sidecar)) = self.sidecar {
            let _ = store.delete(&sidecar).await;
        }
    }
}

fn path(key: &BlobKey) -> Path {
    Path::parse(key.as_str()).expect("a blob key is a valid object path")
}

/// Where a local blob's content type is kept.
fn sidecar(key: &BlobKey) -> Path {
    Path::parse(format!("{key}#type")).expect("a blob key with a '#type' suffix is a valid object path")
}

/// Refuses content types that are not a plain header value.
fn check_content_type(content_type: &str) -> BlobResult<()> {
    let visible = |b: u8| (b' '..=b'~').contains(&b);
    if content_type.is_empty() || content_type.len() > 255 || !content_type.bytes().all(visible) {
        return Err(BlobError::Internal(format!("invalid content type {content_type:?}")));
    }
    Ok(())
}
