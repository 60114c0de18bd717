//! The frames `limits ws` writes: a MESSAGE_CREATE dispatch shaped like Accord's, padded to the
//! size asked for, whose nonce is the message's index; and the clients' cheap way to read that
//! nonce back without parsing the whole frame.

use std::sync::Arc;

use serde_json::json;

/// Builds each message's frame. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Frames {
    /// The content that brings a frame to the size asked for.
    content: Arc<str>,
}

impl Frames {
    /// Frames of about `bytes` bytes (a few more or less as the index's digits vary).
    pub fn new(bytes: usize) -> Self {
        let bare = message_create(0, "").len();
        let words = "lorem ipsum dolor sit amet ".repeat(bytes / 27 + 1);
        let content = &words[..bytes.saturating_sub(bare).min(words.len())];
        Self { content: content.trim_end().into() }
    }

    /// Message `index`'s frame, serialised.
    pub fn message_create(&self, index: usize) -> String {
        message_create(index, &self.content)
    }
}

/// A MESSAGE_CREATE dispatch with the fields Accord sends for a plain guild message.
fn message_create(index: usize, content: &str) -> String {
    let id = 1_300_000_000_000_000_000_u64 + index as u64;
    let d = json!({
        "id": id.to_string(),
        "channel_id": "1299999999999999001",
        "guild_id": "1299999999999999000",
        "author": {
            "id": "1299999999999999002",
            "username": "limits_writer",
            "global_name": null,
            "avatar": null,
            "discriminator": "0",
            "public_flags": 0,
        },
        "member": { "roles": [], "joined_at": "2025-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false },
        "content": content,
        "timestamp": "2025-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "nonce": index.to_string(),
    });
    json!({ "op": 0, "t": "MESSAGE_CREATE", "s": index, "d": d }).to_string()
}

/// The message index a frame's `"nonce":"N"` carries, found by scanning rather than parsing,
/// so the clients (which share the machine with the server) spend little CPU per frame.
pub fn nonce(frame: &str) -> Option<usize> {
    const KEY: &str = "\"nonce\":\"";
    let start = frame.find(KEY)? + KEY.len();
    let digits = &frame[start..];
    let end = digits.find('"')?;
    digits[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_about_the_size_asked_for_and_carry_their_index() {
        let frames = Frames::new(700);
        let frame = frames.message_create(123);
        assert!((690..=710).contains(&frame.len()), "{} bytes: {frame}", frame.len());
        assert_eq!(nonce(&frame), Some(123));
        let parsed: serde_json::Value = serde_json::from_str(&frame).expect("valid JSON");
        assert_eq!((parsed["t"].as_str(), parsed["d"]["nonce"].as_str()), (Some("MESSAGE_CREATE"), Some("123")));
        assert_eq!(nonce(r#"{"d":{"content":"hi"}}"#), None);
    }
}
