//! Guild-area errors and their rows in the code table.

use accord_core::{Code, ErrorCode, code};
use accord_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum GuildError {
    #[error("unknown guild")]
    UnknownGuild,
    #[error("unknown channel")]
    UnknownChannel,
    #[error("unknown role")]
    UnknownRole,
    #[error("unknown member")]
    UnknownMember,
    #[error("unknown user")]
    UnknownUser,
    #[error("unknown invite")]
    UnknownInvite,
    #[error("unknown ban")]
    UnknownBan,
    #[error("banned from the guild")]
    Banned,
    #[error("unknown overwrite")]
    UnknownOverwrite,
    #[error("missing permissions")]
    MissingPermissions,
    #[error("{field}: {message}")]
    InvalidField { field: &'static str, message: &'static str },
    #[error("invalid role")]
    InvalidRole,
    #[error("too many channels")]
    MaxChannels,
    #[error("too many roles")]
    MaxRoles,
    #[error("too many guilds")]
    MaxGuilds,
    #[error("the owner cannot leave")]
    OwnerCannotLeave,
    #[error("bots cannot use this endpoint")]
    BotsCannotUse,
    #[error("the thread is archived")]
    ThreadArchived,
    #[error("unknown emoji")]
    UnknownEmoji,
    #[error("too many emoji")]
    MaxEmojis,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for GuildError {
    fn code(&self) -> &'static Code {
        match self {
            Self::UnknownGuild => &code::UNKNOWN_GUILD,
            Self::UnknownChannel => &code::UNKNOWN_CHANNEL,
            Self::UnknownRole => &code::UNKNOWN_ROLE,
            Self::UnknownMember => &code::UNKNOWN_MEMBER,
            Self::UnknownUser => &code::UNKNOWN_USER,
            Self::UnknownInvite => &code::UNKNOWN_INVITE,
            Self::UnknownOverwrite => &code::UNKNOWN_OVERWRITE,
            Self::UnknownBan => &code::UNKNOWN_BAN,
            Self::Banned => &code::BANNED,
            Self::MissingPermissions => &code::MISSING_PERMISSIONS,
            Self::InvalidField { .. } => &code::INVALID_FORM_BODY,
            Self::InvalidRole => &code::INVALID_ROLE,
            Self::MaxChannels => &code::MAX_CHANNELS,
            Self::MaxRoles => &code::MAX_ROLES,
            Self::MaxGuilds => &code::MAX_GUILDS,
            Self::OwnerCannotLeave => &code::OWNER_CANNOT_LEAVE,
            Self::BotsCannotUse => &code::BOTS_CANNOT_USE,
            Self::UnknownEmoji => &code::EMOJI_NOT_FOUND,
            Self::MaxEmojis => &code::MAX_EMOJIS,
            Self::ThreadArchived => &code::THREAD_ARCHIVED,
            Self::Store(e) => e.code(),
        }
    }

    fn field_errors(&self) -> Option<serde_json::Value> {
        match self {
            Self::InvalidField { field, message } => {
                Some(accord_api::error::field_error(field, "BASE_TYPE_BAD", message))
            }
            _ => None,
        }
    }
}

/// Shorthand for a field error.
pub fn invalid(field: &'static str, message: &'static str) -> GuildError {
    GuildError::InvalidField { field, message }
}
