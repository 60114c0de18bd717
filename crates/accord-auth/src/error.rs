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
    #[error("one-time token unknown, used or expired")]
    InvalidToken,
    #[error("current password does not match")]
    PasswordMismatch,
    #[error("the account has no email address")]
    NoEmail,
    #[error("invalid two-factor code")]
    InvalidTwoFactorCode,
    #[error("a two-factor code is required")]
    TwoFactorRequired,
    #[error("invalid or expired two-factor ticket")]
    InvalidMfaTicket,
    #[error("two-factor authentication is already enabled")]
    MfaAlreadyEnabled,
    #[error("two-factor authentication is not enabled")]
    MfaNotEnabled,
    #[error("unknown session")]
    UnknownSession,
    #[error("the account owns guilds")]
    OwnsGuilds,
    #[error(transparent)]
    Mail(#[from] crate::mail::MailError),
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
            Self::InvalidToken => &code::INVALID_ONE_TIME_TOKEN,
            Self::PasswordMismatch => &code::PASSWORD_MISMATCH,
            Self::NoEmail => &code::NO_EMAIL,
            Self::InvalidTwoFactorCode => &code::INVALID_TWO_FACTOR_CODE,
            Self::TwoFactorRequired => &code::TWO_FACTOR_REQUIRED,
            Self::InvalidMfaTicket => &code::INVALID_MFA_TICKET,
            Self::MfaAlreadyEnabled => &code::MFA_ALREADY_ENABLED,
            Self::MfaNotEnabled => &code::MFA_NOT_ENABLED,
            Self::UnknownSession => &code::UNKNOWN_SESSION,
            Self::OwnsGuilds => &code::OWNS_GUILDS,
            Self::Mail(_) => &code::SERVICE_UNAVAILABLE,
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
            Self::InvalidToken => field("token", "INVALID_TOKEN", "This link is invalid, used or expired."),
            Self::PasswordMismatch => field("password", "PASSWORD_DOES_NOT_MATCH", "Password does not match."),
            Self::NoEmail => field("email", "EMAIL_MISSING", "Your account has no email address."),
            Self::MfaAlreadyEnabled => {
                field("code", "MFA_ALREADY_ENABLED", "Two-factor authentication is already enabled.")
            }
            Self::MfaNotEnabled => field("code", "MFA_NOT_ENABLED", "Two-factor authentication is not enabled."),
            _ => None,
        }
    }
}
