//! Which Redis failures mean "unavailable" (callers take their fallback and Redis may come
//! back) and which are internal (a bug or a bad stored value).

use accord_kv::KvError;
use redis::{ErrorKind, RedisError, ServerErrorKind};

/// Sorts a Redis error into the kv's two kinds.
pub fn classify(error: RedisError) -> KvError {
    let unavailable = error.is_io_error()
        || error.is_timeout()
        || error.is_connection_dropped()
        || error.is_connection_refusal()
        || matches!(
            error.kind(),
            ErrorKind::AuthenticationFailed
                | ErrorKind::ClusterConnectionNotFound
                | ErrorKind::Server(
                    ServerErrorKind::BusyLoading
                        | ServerErrorKind::TryAgain
                        | ServerErrorKind::ClusterDown
                        | ServerErrorKind::MasterDown
                        | ServerErrorKind::ReadOnly
                )
        );
    if unavailable { KvError::Unavailable(error.to_string()) } else { KvError::Internal(error.to_string()) }
}

/// A stored value that is not the JSON it should be.
pub fn bad_value(error: serde_json::Error) -> KvError {
    KvError::Internal(format!("stored value is not JSON: {error}"))
}
