//! Usernames and display names, parsed from request bodies: one set of rules for registration
//! (auth) and for later changes (users), so a name that could be registered can be taken later
//! and the other way round.

/// Why a name was refused: the body field and a message for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidName {
    pub field: &'static str,
    pub message: &'static str,
}

impl crate::ErrorCode for InvalidName {
    fn code(&self) -> &'static crate::Code {
        &crate::code::INVALID_FORM_BODY
    }

    fn field_errors(&self) -> Option<serde_json::Value> {
        Some(serde_json::json!({ self.field: { "_errors": [{ "code": "BASE_TYPE_BAD", "message": self.message }] } }))
    }
}

/// A username: 2..=32 ASCII letters, digits, `_` and `.`, with no `..`; so no confusables,
/// zero-width or direction-changing characters. Unique ignoring case (the store checks that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl TryFrom<String> for Username {
    type Error = InvalidName;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        let ok_chars = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
        if !(2..=32).contains(&name.len()) || !ok_chars || name.contains("..") {
            return Err(InvalidName {
                field: "username",
                message: "Must be 2-32 characters of letters, digits, '_' and '.'.",
            });
        }
        Ok(Self(name))
    }
}

impl From<Username> for String {
    fn from(name: Username) -> Self {
        name.0
    }
}

/// A display name (`global_name`): 1..=32 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalName(String);

impl TryFrom<String> for GlobalName {
    type Error = InvalidName;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        let len = name.chars().count();
        if !(1..=32).contains(&len) || name.chars().any(char::is_control) {
            return Err(InvalidName { field: "global_name", message: "Must be 1-32 characters." });
        }
        Ok(Self(name))
    }
}

impl From<GlobalName> for String {
    fn from(name: GlobalName) -> Self {
        name.0
    }
}

/// Whether `name` may name a custom emoji: 2..=32 ASCII letters, digits and `_`.
pub fn is_emoji_name(name: &str) -> bool {
    (2..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn username(name: &str) -> bool {
        Username::try_from(name.to_owned()).is_ok()
    }

    fn global_name(name: &str) -> bool {
        GlobalName::try_from(name.to_owned()).is_ok()
    }

    #[test]
    fn usernames_follow_the_registration_rules() {
        for ok in ["al", "alice", "Alice_99", "a.b.c", &"x".repeat(32)] {
            assert!(username(ok), "{ok:?}");
        }
        for bad in ["", "a", &"x".repeat(33), "a..b", "al ice", "alice!", "ålice", "al\u{200b}ice", "@everyone"] {
            assert!(!username(bad), "{bad:?}");
        }
    }

    #[test]
    fn display_names_are_1_to_32_characters_without_controls() {
        for ok in ["A", "Alice Liddell", "ålice 🐇", &"é".repeat(32)] {
            assert!(global_name(ok), "{ok:?}");
        }
        for bad in ["", &"x".repeat(33), "line\nbreak", "tab\t"] {
            assert!(!global_name(bad), "{bad:?}");
        }
    }
}
