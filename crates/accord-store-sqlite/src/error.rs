//! Maps sqlx (and rusqlite) errors to [`StoreError`]: unique violations name their field, an unreachable or
//! locked database is `Unavailable`, everything else is `Internal`.

use accord_store::StoreError;

/// Which field a unique violation is about, from the `table.column` SQLite names in its message.
const UNIQUE_FIELDS: &[(&str, &str)] =
    &[("users.username", "username"), ("users.email", "email"), ("invites.code", "invite_code")];

/// SQLite primary result codes meaning "cannot work right now": BUSY, LOCKED, IOERR, FULL, CANTOPEN.
const UNAVAILABLE_CODES: &[i64] = &[5, 6, 10, 13, 14];

/// Converts an sqlx error into the storage error callers branch on.
pub(crate) fn db(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(e) if e.is_unique_violation() => {
            let message = e.message();
            let field = UNIQUE_FIELDS.iter().find(|(target, _)| message.contains(target)).map_or("id", |&(_, f)| f);
            StoreError::Conflict(field)
        }
        sqlx::Error::Database(e) => {
            let primary = e.code().and_then(|c| c.parse::<i64>().ok()).map(|c| c & 0xff);
            if primary.is_some_and(|c| UNAVAILABLE_CODES.contains(&c)) {
                StoreError::Unavailable(e.to_string())
            } else {
                StoreError::Internal(e.to_string())
            }
        }
        sqlx::Error::PoolClosed | sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => {
            StoreError::Unavailable(error.to_string())
        }
        other => StoreError::Internal(other.to_string()),
    }
}

/// Converts an error of an inline read (`inline`): only reads run there, so there is no
/// unique violation to name.
pub(crate) fn inline(error: rusqlite::Error) -> StoreError {
    let primary = error.sqlite_error().map(|e| i64::from(e.extended_code) & 0xff);
    if primary.is_some_and(|c| UNAVAILABLE_CODES.contains(&c)) {
        StoreError::Unavailable(error.to_string())
    } else {
        StoreError::Internal(error.to_string())
    }
}

/// A value read back from the database that does not decode (e.g. malformed JSON).
pub(crate) fn corrupt(what: &str, error: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("{what}: {error}").into())
}
