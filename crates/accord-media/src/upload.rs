//! [`MessageBody`]: the body of `POST /channels/{channel.id}/messages` (and its edits), either
//! plain JSON or Discord's `multipart/form-data` with a `payload_json` part and `files[n]`
//! parts. Files are read chunk by chunk against the limits, so no more than a limit's worth is
//! ever held; each is sniffed and, if an image, measured.

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

/// One uploaded file, read whole and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// `n` of the part `files[n]`; for parts named `file` or `files`, the lowest index not yet
    /// taken. Attachments in `payload_json` refer to files by it.
    pub index: usize,
    /// The client's file name, [sanitized](crate::filename::sanitize).
    pub filename: String,
    pub bytes: Bytes,
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
    pub async fn read(mut req: Request, limits: &UploadLimits) -> Result<Self, MediaError> {
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
                read_multipart(multipart, limits).await
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

async fn read_multipart(mut multipart: Multipart, limits: &UploadLimits) -> Result<MessageBody, MediaError> {
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
                let max = limits.max_payload_json_bytes as u64;
                body.payload_json = Some(read_limited(&mut field, max, &mut 0, u64::MAX).await?);
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
                let bytes =
                    read_limited(&mut field, limits.max_file_bytes, &mut message_bytes, limits.max_message_bytes)
                        .await?;
                body.files.push(checked_file(index, filename, bytes, limits)?);
            }
            // Skipped: the next `next_field` drains it, within the body's envelope.
            Part::Other => {}
        }
    }
    Ok(body)
}

/// Reads one part, failing with 413 as soon as it passes `max` or the running `total` passes
/// `max_total`, before buffering the chunk that crossed the line.
async fn read_limited(field: &mut Field<'_>, max: u64, total: &mut u64, max_total: u64) -> Result<Bytes, MediaError> {
    let mut buf = BytesMut::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        let len = chunk.len() as u64;
        *total = total.saturating_add(len);
        if buf.len() as u64 + len > max || *total > max_total {
            return Err(MediaError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Sniffs and measures a file; an image too large in pixels is a 400 on its `files[n]` field.
fn checked_file(
    index: usize,
    filename: String,
    bytes: Bytes,
    limits: &UploadLimits,
) -> Result<UploadedFile, MediaError> {
    let content_type = sniff::sniff(&bytes, &filename);
    let dims = image::dimensions(&bytes, content_type, limits).map_err(|e| e.in_field(format!("files[{index}]")))?;
    Ok(UploadedFile { index, filename, bytes, content_type, width: dims.map(|(w, _)| w), height: dims.map(|(_, h)| h) })
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
