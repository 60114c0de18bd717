//! Sorting `object_store`'s errors into [`BlobError`]s: missing, unreachable, or other.

use std::error::Error;

use object_store::client::HttpError;

use crate::BlobError;

/// What `error` means to a caller.
pub(crate) fn classify(error: object_store::Error) -> BlobError {
    match error {
        object_store::Error::NotFound { .. } => BlobError::NotFound,
        other if unreachable(&other) => BlobError::Unavailable(other.to_string()),
        other => BlobError::Internal(other.to_string()),
    }
}

/// Whether the store could not be reached or answered with a server error, after retries:
/// a transport failure (refused, reset, timed out) somewhere in the chain, or a 5xx status.
fn unreachable(error: &(dyn Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        // object_store does not export the error that carries the status, only its text
        // ("Server returned non-2xx status code: 503 Service Unavailable: ...").
        if e.downcast_ref::<HttpError>().is_some() || e.to_string().contains("non-2xx status code: 5") {
            return true;
        }
        next = e.source();
    }
    false
}
