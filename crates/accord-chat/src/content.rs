//! Message content: 1..=2000 characters (Unicode scalar values, not bytes), parsed once so
//! code past the handler never sees an unchecked string.

use crate::error::ChatError;

/// The most characters a message may hold.
pub const MAX_CHARS: usize = 2000;

/// Content that satisfies the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageContent(String);

impl MessageContent {
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Content beside attachments or embeds, which may be empty (blank counts as empty).
pub fn optional(value: String) -> Result<String, ChatError> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    MessageContent::try_from(value).map(MessageContent::into_inner)
}

impl TryFrom<String> for MessageContent {
    type Error = ChatError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.trim().is_empty() {
            return Err(ChatError::EmptyMessage);
        }
        if value.chars().count() > MAX_CHARS {
            return Err(ChatError::InvalidField { field: "content", message: "Must be 2000 or fewer in length." });
        }
        if value.contains('\0') {
            return Err(ChatError::InvalidField { field: "content", message: "Must not contain NUL characters." });
        }
        Ok(Self(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert!(MessageContent::try_from("é".repeat(2000)).is_ok());
        assert!(MessageContent::try_from("a".repeat(2001)).is_err());
        assert!(matches!(MessageContent::try_from("  \n".to_owned()), Err(ChatError::EmptyMessage)));
        assert!(MessageContent::try_from("a\0b".to_owned()).is_err());
        assert_eq!(optional(" \n".to_owned()).unwrap(), "");
        assert!(optional("a".repeat(2001)).is_err());
    }
}
