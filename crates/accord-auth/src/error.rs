//! Auth errors and their rows in the code table.

use accord_core::{Code, ErrorCode, code};
use accord_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("login or password is invalid")]
    InvalidCredentials,
    #[error("refresh token invalid, expired, revoked or reused")]
    InvalidRefreshToken,
    #[error("username taken")]
    UsernameTaken,
    #[error("email taken")]
    EmailTaken,
    #[error("password rejected: {0}")]
    WeakPassword(&'static str),
    #[error("{field}: {message}")]
    InvalidField { field: &'static str, message: &'static str },
    #[error("bots cannot use this endpoint")]
    BotsCannotUse,
    #[error("unknown application")]
    UnknownApplication,
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for AuthError {
    fn code(&self) -> &'static Code {
        match self {
            Self::InvalidCredentials => &code::INVALID_CREDENTIALS,
            Self::InvalidRefreshToken => &code::INVALID_REFRESH_TOKEN,
            Self::UsernameTaken | Self::EmailTaken => &code::USERNAME_TAKEN,
            Self::WeakPassword(_) => &code::WEAK_PASSWORD,
            Self::InvalidField { .. } => &code::INVALID_FORM_BODY,
            Self::BotsCannotUse => &code::BOTS_CANNOT_USE,
            Self::UnknownApplication => &code::UNKNOWN_APPLICATION,
            Self::Hashing(_) => &code::INTERNAL,
            Self::Store(e) => e.code(),
        }
    }

    fn field_errors(&self) -> Option<serde_json::Value> {
        let field = |f: &str, c: &str, m: &str| Some(accord_api::error::field_error(f, c, m));
        match self {
            Self::UsernameTaken => field("username", "USERNAME_ALREADY_TAKEN", "Username is unavailable."),
            Self::EmailTaken => field("email", "EMAIL_ALREADY_REGISTERED", "Email is already registered."),
            Self::WeakPassword(why) => field("password", "PASSWORD_TOO_WEAK", why),
            Self::InvalidField { field: f, message } => field(f, "BASE_TYPE_BAD", message),
            Self::InvalidCredentials => field("login", "INVALID_LOGIN", "Login or password is invalid."),
            _ => None,
        }
    }
}
