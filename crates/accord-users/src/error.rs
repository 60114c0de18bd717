//! Users-area errors and their rows in the code table. A taken username reads exactly as it
//! does at registration (`USERNAME_ALREADY_TAKEN` on `username`).

use accord_core::{Code, ErrorCode, code};
use accord_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("username taken")]
    UsernameTaken,
    #[error("{field}: {message}")]
    InvalidField { field: &'static str, message: &'static str },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for UserError {
    fn code(&self) -> &'static Code {
        match self {
            Self::UsernameTaken => &code::USERNAME_TAKEN,
            Self::InvalidField { .. } => &code::INVALID_FORM_BODY,
            Self::Store(e) => e.code(),
        }
    }

    fn field_errors(&self) -> Option<serde_json::Value> {
        let field = |f: &str, c: &str, m: &str| Some(accord_api::error::field_error(f, c, m));
        match self {
            Self::UsernameTaken => field("username", "USERNAME_ALREADY_TAKEN", "Username is unavailable."),
            Self::InvalidField { field: f, message } => field(f, "BASE_TYPE_BAD", message),
            Self::Store(e) => e.field_errors(),
        }
    }
}

/// A store error from writing a user: a unique violation on the username means it is taken.
pub fn from_user_write(error: StoreError) -> UserError {
    match error {
        StoreError::Conflict("username") => UserError::UsernameTaken,
        other => UserError::Store(other),
    }
}
