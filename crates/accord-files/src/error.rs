//! Media errors and their rows in the code table: too large is 413, bad input 50035 with the
//! offending field, blob storage down 503.

use accord_blobs::BlobError;
use accord_core::{Code, ErrorCode, code};

/// What can go wrong reading, checking, storing or serving media.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// A file, the files of a message or a JSON payload is over its limit.
    #[error("request entity too large")]
    TooLarge,
    /// A file given inside a JSON body (an avatar's data URI) is over `max_bytes`: bad input
    /// in a field, so 50035 rather than 413.
    #[error("file larger than {max_bytes} bytes")]
    FileTooLarge { max_bytes: usize },
    /// More files than a message may carry.
    #[error("more than {max} files")]
    TooManyFiles { max: usize },
    /// More multipart parts than a message may have.
    #[error("more than {max} multipart parts")]
    TooManyParts { max: usize },
    /// An image whose header declares more pixels, or a longer side, than allowed.
    #[error("image dimensions too large")]
    ImageTooLarge,
    /// Bytes that should be an image (an avatar, an icon) are not one.
    #[error("invalid image data")]
    InvalidImage,
    /// The multipart body cannot be parsed (no boundary, cut short, bad headers).
    #[error("malformed multipart body: {0}")]
    BadMultipart(String),
    /// The request body could not be read (the client went away, a broken encoding).
    #[error("unreadable body: {0}")]
    BadBody(String),
    /// A field that is present but wrong, such as `files[x]` or a second `payload_json`.
    #[error("{field}: {message}")]
    InvalidField { field: String, message: String },
    /// Neither JSON nor multipart.
    #[error("unsupported content type")]
    UnsupportedContentType,
    /// `error` about the named form field (e.g. `files[2]`, `avatar`).
    #[error("{field}: {error}")]
    InField { field: String, error: Box<MediaError> },
    /// No such blob.
    #[error("not found")]
    NotFound,
    /// Blob storage cannot be reached; uploads are refused, the rest of chat carries on.
    #[error("blob storage unavailable: {0}")]
    Unavailable(String),
    /// The caller may not upload here (no ATTACH_FILES).
    #[error("missing permissions to upload")]
    MissingPermissions,
    /// Any other blob storage failure; the client gets an opaque 500.
    #[error("blob storage failure: {0}")]
    Internal(String),
}

impl MediaError {
    /// This error, reported on the form field `field`.
    pub fn in_field(self, field: impl Into<String>) -> Self {
        Self::InField { field: field.into(), error: Box::new(self) }
    }

    /// Discord's field-error code and message, for errors about the request's content.
    fn detail(&self) -> Option<(&'static str, String)> {
        Some(match self {
            Self::FileTooLarge { max_bytes } => {
                let kb = *max_bytes as f64 / 1024.0;
                ("BINARY_TYPE_MAX_SIZE", format!("File cannot be larger than {kb:.1} kb."))
            }
            Self::TooManyFiles { max } => ("BASE_TYPE_MAX_LENGTH", format!("Must be {max} or fewer in length.")),
            Self::TooManyParts { max } => ("BASE_TYPE_MAX_LENGTH", format!("Must have {max} or fewer parts.")),
            Self::ImageTooLarge => ("IMAGE_INVALID", "Image dimensions are too large.".to_owned()),
            Self::InvalidImage => ("IMAGE_INVALID", "Invalid image data".to_owned()),
            Self::BadMultipart(message) => ("BASE_TYPE_BAD", format!("Malformed multipart body: {message}")),
            Self::BadBody(message) => ("BASE_TYPE_BAD", format!("Could not read the request body: {message}")),
            Self::InvalidField { message, .. } => ("BASE_TYPE_BAD", message.clone()),
            Self::InField { error, .. } => return error.detail(),
            _ => return None,
        })
    }

    /// The field the error is about; `_errors` is Discord's key for the body as a whole.
    fn field(&self) -> &str {
        match self {
            Self::InField { field, .. } | Self::InvalidField { field, .. } => field,
            Self::TooManyFiles { .. } => "files",
            _ => "_errors",
        }
    }
}

impl ErrorCode for MediaError {
    fn code(&self) -> &'static Code {
        match self {
            Self::TooLarge => &code::PAYLOAD_TOO_LARGE,
            Self::FileTooLarge { .. }
            | Self::TooManyFiles { .. }
            | Self::TooManyParts { .. }
            | Self::ImageTooLarge
            | Self::InvalidImage
            | Self::BadMultipart(_)
            | Self::BadBody(_)
            | Self::InvalidField { .. } => &code::INVALID_FORM_BODY,
            Self::UnsupportedContentType => &code::UNSUPPORTED_CONTENT_TYPE,
            Self::InField { error, .. } => error.code(),
            Self::NotFound => &code::NOT_FOUND,
            Self::Unavailable(_) => &code::SERVICE_UNAVAILABLE,
            Self::MissingPermissions => &code::MISSING_PERMISSIONS,
            Self::Internal(_) => &code::INTERNAL,
        }
    }

    fn field_errors(&self) -> Option<serde_json::Value> {
        let (error_code, message) = self.detail()?;
        let field = self.field();
        Some(if field == "_errors" {
            serde_json::json!({ "_errors": [{ "code": error_code, "message": message }] })
        } else {
            accord_api::error::field_error(field, error_code, &message)
        })
    }
}

impl From<BlobError> for MediaError {
    fn from(err: BlobError) -> Self {
        match err {
            BlobError::NotFound => Self::NotFound,
            BlobError::Unavailable(message) => Self::Unavailable(message),
            BlobError::Internal(message) => Self::Internal(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_follow_the_table() {
        assert_eq!(MediaError::TooLarge.code().status, 413);
        assert_eq!(MediaError::UnsupportedContentType.code().status, 415);
        assert_eq!(MediaError::ImageTooLarge.in_field("files[0]").code().number, 50035);
        assert_eq!(MediaError::from(BlobError::Unavailable("down".into())).code().status, 503);
        assert_eq!(MediaError::from(BlobError::NotFound).code().status, 404);
        assert_eq!(MediaError::from(BlobError::Internal("disk".into())).code().status, 500);
    }

    #[test]
    fn field_errors_name_the_field() {
        let errors = MediaError::ImageTooLarge.in_field("files[2]").field_errors();
        assert_eq!(
            errors,
            Some(
                json!({ "files[2]": { "_errors": [{ "code": "IMAGE_INVALID", "message": "Image dimensions are too large." }] } })
            )
        );
        let errors = MediaError::TooManyFiles { max: 10 }.field_errors();
        assert_eq!(
            errors.as_ref().and_then(|e| e["files"]["_errors"][0]["code"].as_str()),
            Some("BASE_TYPE_MAX_LENGTH")
        );
        let errors = MediaError::BadMultipart("incomplete".into()).field_errors();
        assert_eq!(errors.as_ref().and_then(|e| e["_errors"][0]["code"].as_str()), Some("BASE_TYPE_BAD"));
        assert_eq!(MediaError::TooLarge.field_errors(), None);
    }
}
