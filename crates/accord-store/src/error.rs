//! Storage errors: the few outcomes callers branch on, and opaque failures.

/// What can go wrong in a storage call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; the value names the constraint's field
    /// (`username`, `email`, `invite_code`, ...).
    #[error("conflict on {0}")]
    Conflict(&'static str),
    /// The database cannot be reached or is shutting down; callers answer 503.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else; logged with its cause, answered as an opaque 500.
    #[error("storage failure: {0}")]
    Internal(String),
}

impl accord_core::ErrorCode for StoreError {
    fn code(&self) -> &'static accord_core::Code {
        match self {
            StoreError::Conflict(_) => &accord_core::code::INVALID_FORM_BODY,
            StoreError::Unavailable(_) => &accord_core::code::SERVICE_UNAVAILABLE,
            StoreError::Internal(_) => &accord_core::code::INTERNAL,
        }
    }
}
