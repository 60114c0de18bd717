//! Chat errors and their rows in the code table.

use accord_core::{Code, ErrorCode, code};
use accord_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("unknown message")]
    UnknownMessage,
    #[error("cannot send an empty message")]
    EmptyMessage,
    #[error("cannot edit another user's message")]
    NotAuthor,
    #[error("not a text channel")]
    NonTextChannel,
    #[error("{field}: {message}")]
    InvalidField { field: &'static str, message: &'static str },
    #[error("unknown emoji")]
    UnknownEmoji,
    #[error("too many reactions")]
    MaxReactions,
    #[error("too many pins")]
    MaxPins,
    #[error("bulk delete needs 2 to 100 messages")]
    BulkDeleteCount,
    #[error("a message is too old to bulk delete")]
    BulkDeleteTooOld,
    #[error("not possible on this channel type")]
    WrongChannelType,
    #[error("the message already has a thread")]
    ThreadExists,
    #[error("the thread is archived")]
    ThreadArchived,
    #[error("the thread is locked")]
    ThreadLocked,
    #[error(transparent)]
    Media(#[from] accord_files::MediaError),
    #[error("slowmode: wait {0:?}")]
    Slowmode(std::time::Duration),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErrorCode for ChatError {
    fn code(&self) -> &'static Code {
        match self {
            Self::UnknownMessage => &code::UNKNOWN_MESSAGE,
            Self::EmptyMessage => &code::EMPTY_MESSAGE,
            Self::NotAuthor => &code::CANNOT_EDIT_OTHERS_MESSAGE,
            Self::NonTextChannel => &code::NON_TEXT_CHANNEL,
            Self::InvalidField { .. } => &code::INVALID_FORM_BODY,
            Self::UnknownEmoji => &code::UNKNOWN_EMOJI,
            Self::MaxReactions => &code::MAX_REACTIONS,
            Self::MaxPins => &code::MAX_PINS,
            Self::BulkDeleteCount => &code::BULK_DELETE_COUNT,
            Self::BulkDeleteTooOld => &code::BULK_DELETE_TOO_OLD,
            Self::WrongChannelType => &code::WRONG_CHANNEL_TYPE,
            Self::ThreadExists => &code::THREAD_ALREADY_CREATED,
            Self::ThreadArchived => &code::THREAD_ARCHIVED,
            Self::ThreadLocked => &code::THREAD_LOCKED,
            Self::Media(e) => e.code(),
            Self::Slowmode(_) => &code::SLOWMODE,
            Self::Store(e) => e.code(),
        }
    }

    fn field_errors(&self) -> Option<serde_json::Value> {
        match self {
            Self::InvalidField { field, message } => {
                Some(accord_api::error::field_error(field, "BASE_TYPE_BAD", message))
            }
            Self::Media(e) => e.field_errors(),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<f64> {
        match self {
            Self::Slowmode(wait) => Some((wait.as_secs_f64() * 1000.0).ceil() / 1000.0),
            _ => None,
        }
    }
}
