//! Maps sqlx errors to [`StoreError`]: unique violations name their field, an unreachable,
//! overloaded or restarting server is `Unavailable`, everything else is `Internal`.

use accord_store::StoreError;

/// Which field a unique violation is about, from the name of the violated index or constraint.
const UNIQUE_FIELDS: &[(&str, &str)] =
    &[("users_username", "username"), ("users_email", "email"), ("invites_pkey", "invite_code")];

/// SQLSTATE classes and codes meaning "cannot work right now, try again": connection
/// exceptions (08), insufficient resources such as too many connections (53), the server
/// shutting down or starting (57P01..57P03), and the transient conflicts of concurrent
/// transactions (serialization failure 40001, deadlock 40P01).
fn is_transient(sqlstate: &str) -> bool {
    sqlstate.starts_with("08")
        || sqlstate.starts_with("53")
        || matches!(sqlstate, "57P01" | "57P02" | "57P03" | "40001" | "40P01")
}

/// Converts an sqlx error into the storage error callers branch on.
pub(crate) fn db(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(e) if e.is_unique_violation() => {
            let constraint = e.constraint().unwrap_or_default();
            let field = UNIQUE_FIELDS.iter().find(|(name, _)| *name == constraint).map_or("id", |&(_, f)| f);
            StoreError::Conflict(field)
        }
        sqlx::Error::Database(e) => {
            if e.code().is_some_and(|code| is_transient(&code)) {
                StoreError::Unavailable(e.to_string())
            } else {
                StoreError::Internal(e.to_string())
            }
        }
        sqlx::Error::PoolClosed
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(error.to_string()),
        other => StoreError::Internal(other.to_string()),
    }
}

/// A value read back from the database that does not fit its record field.
pub(crate) fn corrupt(what: &str, error: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("{what}: {error}").into())
}
