//! Field rules shared by create and modify handlers.

use crate::error::{GuildError, invalid};
use accord_service::access::AUTO_ARCHIVE_MINUTES;

/// Channel types Accord stores: text, voice, category, announcement, stage, forum.
pub const CHANNEL_KINDS: [u8; 6] = [0, 2, 4, 5, 13, 15];

/// A name of `min..=max` characters with no control characters; trimmed.
pub fn name(field: &'static str, value: &str, min: usize, max: usize) -> Result<String, GuildError> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len < min || len > max || trimmed.chars().any(char::is_control) {
        return Err(invalid(field, "Must be of the allowed length and contain no control characters."));
    }
    Ok(trimmed.to_owned())
}

pub fn channel_kind(kind: u8) -> Result<u8, GuildError> {
    if CHANNEL_KINDS.contains(&kind) { Ok(kind) } else { Err(invalid("type", "Unsupported channel type.")) }
}

pub fn topic(value: &str, kind: u8) -> Result<String, GuildError> {
    let max = if kind == 15 { 4096 } else { 1024 };
    if value.chars().count() > max {
        return Err(invalid("topic", "Must be at most 1024 characters (4096 in forums)."));
    }
    Ok(value.to_owned())
}

pub fn in_range(field: &'static str, value: u32, min: u32, max: u32) -> Result<u32, GuildError> {
    if (min..=max).contains(&value) { Ok(value) } else { Err(invalid(field, "Value out of range.")) }
}

/// A role colour: 24-bit RGB.
pub fn color(value: u32) -> Result<u32, GuildError> {
    in_range("color", value, 0, 0xFF_FFFF)
}

/// How long a thread may go without activity before it archives, in minutes.
pub fn auto_archive(minutes: u32) -> Result<u32, GuildError> {
    if AUTO_ARCHIVE_MINUTES.contains(&minutes) {
        Ok(minutes)
    } else {
        Err(invalid("auto_archive_duration", "Must be 60, 1440, 4320 or 10080."))
    }
}

/// A Unicode emoji, checked loosely: non-empty, at most 32 characters, no spaces or controls.
pub fn emoji_name(field: &'static str, value: &str) -> Result<String, GuildError> {
    let len = value.chars().count();
    if len == 0 || len > 32 || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(field, "Must be a Unicode emoji."));
    }
    Ok(value.to_owned())
}
