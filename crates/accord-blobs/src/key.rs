//! [`BlobKey`]: a name a blob may be stored under, the same on every backend.

use std::fmt;

/// The longest key, in bytes (S3's limit).
pub const MAX_KEY_LEN: usize = 1024;

/// A relative, `/`-separated name such as `attachments/123/456/cat.png`.
///
/// Each segment is non-empty, is not `.` or `..`, and holds no ASCII control character, `\`
/// or `#` (the local backend keeps a blob's content type beside it under `<key>#type`); the key
/// neither starts nor ends with `/` and is at most [`MAX_KEY_LEN`] bytes. Keys form a tree as
/// files do: `a/b` and `a` cannot both hold a blob.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey(String);

/// Why a string is not a [`BlobKey`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid blob key {key:?}: {reason}")]
pub struct InvalidBlobKey {
    pub key: String,
    pub reason: &'static str,
}

impl BlobKey {
    /// Parses `key`, rejecting anything that could escape the store or differ by backend.
    pub fn parse(key: impl Into<String>) -> Result<Self, InvalidBlobKey> {
        let key = key.into();
        match problem(&key) {
            None => Ok(Self(key)),
            Some(reason) => Err(InvalidBlobKey { key, reason }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        return Some("empty");
    }
    if key.len() > MAX_KEY_LEN {
        return Some("longer than 1024 bytes");
    }
    if key.starts_with('/') {
        return Some("starts with '/'");
    }
    for segment in key.split('/') {
        match segment {
            "" => return Some("has an empty segment"),
            "." | ".." => return Some("has a '.' or '..' segment"),
            _ if segment.chars().any(|c| c.is_ascii_control() || c == '\\' || c == '#') => {
                return Some("holds a control character, '\\' or '#'");
            }
            _ => {}
        }
    }
    None
}

impl TryFrom<&str> for BlobKey {
    type Error = InvalidBlobKey;

    fn try_from(key: &str) -> Result<Self, Self::Error> {
        Self::parse(key)
    }
}

impl TryFrom<String> for BlobKey {
    type Error = InvalidBlobKey;

    fn try_from(key: String) -> Result<Self, Self::Error> {
        Self::parse(key)
    }
}

impl fmt::Display for BlobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for BlobKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_keys_parse() {
        for key in ["a", "attachments/1/2/cat.png", "a b/ü (1)%41?.txt", ".hidden/x", "a/.b", "x..y"] {
            assert_eq!(BlobKey::parse(key).map(|k| k.to_string()).as_deref(), Ok(key));
        }
    }

    #[test]
    fn keys_that_escape_or_differ_by_backend_are_refused() {
        let long = "a".repeat(MAX_KEY_LEN + 1);
        let bad =
            ["", "/a", "a/", "a//b", "..", "a/../b", "./a", "a/.", "a\\b", "a\nb", "a\0b", "a#1", "a/b#type", &long];
        for key in bad {
            assert!(BlobKey::parse(key).is_err(), "{key:?} parsed");
        }
        assert!(BlobKey::parse("a".repeat(MAX_KEY_LEN)).is_ok());
    }
}
