//! Errors of blob storage: no such blob, unreachable, or anything else.

/// The result type of every blob call.
pub type BlobResult<T> = Result<T, BlobError>;

/// What can go wrong in a blob call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    /// No blob is stored under the key.
    #[error("no such blob")]
    NotFound,
    /// The store cannot be reached in time (down, refusing, timing out, answering 5xx); the
    /// call had no effect or an unknown one.
    #[error("blob storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a refused credential, a bad content type, a disk error.
    #[error("blob storage failure: {0}")]
    Internal(String),
}

impl accord_core::ErrorCode for BlobError {
    fn code(&self) -> &'static accord_core::Code {
        match self {
            BlobError::NotFound => &accord_core::code::NOT_FOUND,
            BlobError::Unavailable(_) => &accord_core::code::SERVICE_UNAVAILABLE,
            BlobError::Internal(_) => &accord_core::code::INTERNAL,
        }
    }
}
