//! [`MessageBody`]: the body of `POST /channels/{channel.id}/messages` (and its edits), either
//! plain JSON or Discord's `multipart/form-data` with a `payload_json` part and `files[n]`
//! parts. Files are read chunk by chunk against the limits; each is sniffed and, if an image,
//! measured from its first [`HEAD_BYTES`]. [`MessageBody::read`] keeps files in memory (no more
//! than a limit's worth); [`MessageBody::read_into`] streams each to a [`FileSink`] as it
//! arrives, holding only its head and the writer's part buffer.

use accord_service::ApiError;
use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use bytes::BytesMut;

use crate::error::MediaError;
use crate::filename::sanitize;
use crate::limits::UploadLimits;
use crate::{image, sniff};

/// Parts that are neither files nor `payload_json` (ignored, but each costs parsing) a body may
/// have on top of its files: 54 with the default 10 files makes 64 parts.
const MAX_OTHER_PARTS: usize = 54;

/// Room for part headers, boundaries and ignored fields on top of the files and payload, in
/// the cap on the whole multipart body.
const ENVELOPE_SLACK: u64 = 1024 * 1024;

/// How much of a file is read before it is sniffed and measured (and its sink opened): enough
/// for every magic number and for image headers behind metadata.
pub const HEAD_BYTES: usize = 64 * 1024;

/// Where [`MessageBody::read_into`] puts files while they are read.
#[async_trait::async_trait]
pub trait FileSink: Send {
    /// A writer for file `index`, named `filename` (sanitized), of the sniffed `content_type`.
    /// An error stops the upload with it.
    async fn open(
        &mut self,
        index: usize,
        filename: &str,
        content_type: &'static str,
    ) -> Result<Box<dyn accord_blobs::BlobWriter>, MediaError>;
}

/// One uploaded file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// `n` of the part `files[n]`; for parts named `file` or `files`, the lowest index not yet
    /// taken. Attachments in `payload_json` refer to files by it.
    pub index: usize,
    /// The client's file name, [sanitized](crate::filename::sanitize).
    pub filename: String,
    /// The bytes, when read into memory; empty when streamed to a [`FileSink`].
    pub bytes: Bytes,
    pub size: u64,
    /// [Sniffed](crate::sniff::sniff) from the bytes; the declared type is ignored.
    pub content_type: &'static str,
    /// For images whose header could be read.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// A message body: its JSON and its files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageBody {
    /// The JSON body, or the `payload_json` part; unparsed.
    pub payload_json: Option<Bytes>,
    /// In the order the parts came.
    pub files: Vec<UploadedFile>,
}

/// Reads the body with the [`UploadLimits`] found in the request's extensions (insert them
/// with an `Extension` layer on the upload routes), or the defaults.
impl<S: Send + Sync> FromRequest<S> for MessageBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let limits = req.extensions().get::<UploadLimits>().copied().unwrap_or_default();
        Ok(Self::read(req, &limits).await?)
    }
}

impl MessageBody {
    /// Reads `req` under `limits`. `application/json`: the whole body is the payload (413 over
    /// `max_payload_json_bytes`). `multipart/form-data`: parts in order; `payload_json` (413
    /// over its limit), `files[n]`, `file` or `files` (413 once a file passes `max_file_bytes`
    /// or the files together `max_message_bytes`; 400 past `max_files`), anything else
    /// skipped. Any other type is 415; a body that is not valid multipart is 400.
    ///
    /// This sets axum's [`DefaultBodyLimit`] for the request to what `limits` allow, so an
    /// upload route needs no body limit of its own and its 2 MB default does not apply.
    pub async fn read(req: Request, limits: &UploadLimits) -> Result<Self, MediaError> {
        Self::read_with(req, limits, None).await
    }

    /// Like [`MessageBody::read`], each file streamed to `sink` as it arrives instead of kept.
    /// On an error, files already finished stay in the sink's store (the caller removes them);
    /// the one being written is aborted.
    pub async fn read_into(req: Request, limits: &UploadLimits, sink: &mut dyn FileSink) -> Result<Self, MediaError> {
        Self::read_with(req, limits, Some(sink)).await
    }

    async fn read_with(
        mut req: Request,
        limits: &UploadLimits,
        sink: Option<&mut dyn FileSink>,
    ) -> Result<Self, MediaError> {
        let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => {
                DefaultBodyLimit::max(limits.max_payload_json_bytes).apply(&mut req);
                let payload = Bytes::from_request(req, &()).await.map_err(|rejection| {
                    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        MediaError::TooLarge
                    } else {
                        MediaError::BadBody(rejection.body_text())
                    }
                })?;
                Ok(Self { payload_json: Some(payload), files: Vec::new() })
            }
            "multipart/form-data" => {
                DefaultBodyLimit::max(envelope(limits)).apply(&mut req);
                let multipart = Multipart::from_request(req, &())
                    .await
                    .map_err(|rejection| MediaError::BadMultipart(rejection.body_text()))?;
                read_multipart(multipart, limits, sink).await
            }
            _ => Err(MediaError::UnsupportedContentType),
        }
    }
}

/// The most a whole multipart body may be: every file, the payload and some slack.
pub fn envelope(limits: &UploadLimits) -> usize {
    let bytes =
        limits.max_message_bytes.saturating_add(limits.max_payload_json_bytes as u64).saturating_add(ENVELOPE_SLACK);
    usize::try_from(bytes).unwrap_or(usize::MAX)
}

/// What a part is, by its name.
enum Part {
    Payload,
    /// `files[n]` with its `n`, or `file` / `files` (`None`: the next free index).
    File(Option<usize>),
    Other,
}

fn classify(name: &str) -> Result<Part, MediaError> {
    Ok(match name {
        "payload_json" => Part::Payload,
        "file" | "files" => Part::File(None),
        _ => match name.strip_prefix("files[").and_then(|rest| rest.strip_suffix(']')) {
            Some(n) => match n.parse::<usize>() {
                Ok(index) => Part::File(Some(index)),
                Err(_) => {
                    let message = "File part names must be files[n] with n a number".to_owned();
                    return Err(MediaError::InvalidField { field: name.to_owned(), message });
                }
            },
            None => Part::Other,
        },
    })
}

async fn read_multipart(
    mut multipart: Multipart,
    limits: &UploadLimits,
    mut sink: Option<&mut dyn FileSink>,
) -> Result<MessageBody, MediaError> {
    let max_parts = limits.max_files.saturating_add(MAX_OTHER_PARTS);
    let mut body = MessageBody::default();
    let mut parts = 0usize;
    let mut message_bytes = 0u64;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        parts += 1;
        if parts > max_parts {
            return Err(MediaError::TooManyParts { max: max_parts });
        }
        let name = field.name().unwrap_or_default().to_owned();
        match classify(&name)? {
            Part::Payload => {
                if body.payload_json.is_some() {
                    let message = "Only one payload_json part is allowed".to_owned();
                    return Err(MediaError::InvalidField { field: name, message });
                }
                let mut budget =
                    Budget { file: 0, max_file: limits.max_payload_json_bytes as u64, max_total: u64::MAX };
                body.payload_json = Some(read_limited(&mut field, &mut budget, &mut 0).await?);
            }
            Part::File(index) => {
                if body.files.len() >= limits.max_files {
                    return Err(MediaError::TooManyFiles { max: limits.max_files });
                }
                let taken = |i: usize| body.files.iter().any(|f| f.index == i);
                let index = match index {
                    Some(i) if taken(i) => {
                        let message = "Each file index may be used once".to_owned();
                        return Err(MediaError::InvalidField { field: name, message });
                    }
                    Some(i) => i,
                    None => (0..).find(|i| !taken(*i)).unwrap_or_default(),
                };
                let filename = sanitize(field.file_name().unwrap_or_default());
                let mut budget =
                    Budget { file: 0, max_file: limits.max_file_bytes, max_total: limits.max_message_bytes };
                let head = read_head(&mut field, &mut budget, &mut message_bytes).await?;
                let mut file = checked_file(index, filename, head, limits)?;
                match sink.as_deref_mut() {
                    Some(sink) => {
                        let writer = sink.open(index, &file.filename, file.content_type).await?;
                        file.size = stream_rest(
                            &mut field,
                            writer,
                            std::mem::take(&mut file.bytes),
                            &mut budget,
                            &mut message_bytes,
                        )
                        .await?;
                    }
                    None => {
                        let rest = read_limited(&mut field, &mut budget, &mut message_bytes).await?;
                        let mut whole = BytesMut::from(&file.bytes[..]);
                        whole.extend_from_slice(&rest);
                        file.bytes = whole.freeze();
                        file.size = file.bytes.len() as u64;
                    }
                }
                body.files.push(file);
            }
            // Skipped: the next `next_field` drains it, within the body's envelope.
            Part::Other => {}
        }
    }
    Ok(body)
}

/// The running byte counts a part is checked against.
struct Budget {
    /// Bytes of this part so far.
    file: u64,
    max_file: u64,
    /// The cap on all files of the message together (counted in the caller's total).
    max_total: u64,
}

impl Budget {
    /// Counts a chunk; 413 as soon as the part or the total would pass its limit, before the
    /// chunk that crossed the line is kept.
    fn take(&mut self, len: usize, total: &mut u64) -> Result<(), MediaError> {
        let len = len as u64;
        *total = total.saturating_add(len);
        self.file = self.file.saturating_add(len);
        if self.file > self.max_file || *total > self.max_total {
            return Err(MediaError::TooLarge);
        }
        Ok(())
    }
}

/// Reads the rest of a part into memory.
async fn read_limited(field: &mut Field<'_>, budget: &mut Budget, total: &mut u64) -> Result<Bytes, MediaError> {
    let mut buf = BytesMut::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        budget.take(chunk.len(), total)?;
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Reads a part's first [`HEAD_BYTES`] (or all of it, if shorter).
async fn read_head(field: &mut Field<'_>, budget: &mut Budget, total: &mut u64) -> Result<Bytes, MediaError> {
    let mut head = BytesMut::new();
    while head.len() < HEAD_BYTES {
        let Some(chunk) = field.chunk().await.map_err(multipart_error)? else { break };
        budget.take(chunk.len(), total)?;
        head.extend_from_slice(&chunk);
    }
    Ok(head.freeze())
}

/// Writes `head` and the rest of the part to `writer` and finishes it; returns the size. On
/// any error the writer is aborted, so nothing is left behind.
async fn stream_rest(
    field: &mut Field<'_>,
    mut writer: Box<dyn accord_blobs::BlobWriter>,
    head: Bytes,
    budget: &mut Budget,
    total: &mut u64,
) -> Result<u64, MediaError> {
    let mut size = head.len() as u64;
    let mut next = Some(head);
    let outcome = async {
        loop {
            if let Some(chunk) = next.take().filter(|c| !c.is_empty()) {
                writer.write(chunk).await?;
            }
            match field.chunk().await.map_err(multipart_error)? {
                Some(chunk) => {
                    budget.take(chunk.len(), total)?;
                    size += chunk.len() as u64;
                    next = Some(chunk);
                }
                None => return Ok::<(), MediaError>(()),
            }
        }
    }
    .await;
    match outcome {
        Ok(()) => {
            writer.finish().await?;
            Ok(size)
        }
        Err(error) => {
            writer.abort().await;
            Err(error)
        }
    }
}

/// Sniffs and measures a file from its head; an image too large in pixels is a 400 on its
/// `files[n]` field.
fn checked_file(
    index: usize,
    filename: String,
    bytes: Bytes,
    limits: &UploadLimits,
) -> Result<UploadedFile, MediaError> {
    let content_type = sniff::sniff(&bytes, &filename);
    let dims = image::dimensions(&bytes, content_type, limits).map_err(|e| e.in_field(format!("files[{index}]")))?;
    let size = bytes.len() as u64;
    let (width, height) = (dims.map(|(w, _)| w), dims.map(|(_, h)| h));
    Ok(UploadedFile { index, filename, bytes, size, content_type, width, height })
}

/// Body limits (axum's, from [`envelope`]) are 413; everything else a malformed body, 400.
fn multipart_error(err: MultipartError) -> MediaError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        MediaError::TooLarge
    } else {
        MediaError::BadMultipart(err.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_are_classified() {
        assert!(matches!(classify("payload_json"), Ok(Part::Payload)));
        assert!(matches!(classify("files[3]"), Ok(Part::File(Some(3)))));
        assert!(matches!(classify("file"), Ok(Part::File(None))));
        assert!(matches!(classify("files"), Ok(Part::File(None))));
        assert!(matches!(classify("content"), Ok(Part::Other)));
        assert!(matches!(classify("files[x]"), Err(MediaError::InvalidField { .. })));
        assert!(matches!(classify("files[-1]"), Err(MediaError::InvalidField { .. })));
    }

    #[test]
    fn the_envelope_covers_files_payload_and_slack() {
        let limits = UploadLimits::default();
        let expected = limits.max_message_bytes + limits.max_payload_json_bytes as u64 + ENVELOPE_SLACK;
        assert_eq!(envelope(&limits) as u64, expected);
        let huge = UploadLimits { max_message_bytes: u64::MAX, ..limits };
        assert_eq!(envelope(&huge), usize::MAX);
    }
}
