//! Errors of the shared state: unreachable, or anything else.

/// The result type of every kv call.
pub type KvResult<T> = Result<T, KvError>;

/// What can go wrong in a kv call. Callers apply their documented fallback to both.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvError {
    /// The backend cannot be reached in time (down, refusing, timing out, loading) or is out
    /// of room; the call had no effect or an unknown one.
    #[error("shared state unavailable: {0}")]
    Unavailable(String),
    /// Anything else (a script error, a stored value that does not parse).
    #[error("shared state failure: {0}")]
    Internal(String),
}

impl accord_core::ErrorCode for KvError {
    fn code(&self) -> &'static accord_core::Code {
        match self {
            KvError::Unavailable(_) => &accord_core::code::SERVICE_UNAVAILABLE,
            KvError::Internal(_) => &accord_core::code::INTERNAL,
        }
    }
}
