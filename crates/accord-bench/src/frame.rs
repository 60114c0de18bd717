//! Reads just what the scenarios' readers need from a gateway frame — op, sequence, event name,
//! and a message's id and content — without building a JSON tree of every frame, so the
//! clients' parsing takes less of the two cores the server shares with them; and the
//! drop-and-resume step the chat readers and the ramp's users share.

use std::fmt;

use accord_client::gateway::GatewayClient;
use anyhow::{Context, bail};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};

/// A gateway frame, lightly read.
#[derive(Debug, Deserialize)]
pub struct Frame {
    pub op: u8,
    #[serde(default)]
    pub s: Option<u64>,
    #[serde(default)]
    pub t: Option<String>,
    #[serde(default, deserialize_with = "message_fields")]
    pub d: Option<Fields>,
}

/// The few fields of `d` a reader looks at, when `d` is an object.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fields {
    pub id: Option<String>,
    pub content: Option<String>,
    pub session_id: Option<String>,
}

impl Frame {
    pub fn parse(text: &str) -> serde_json::Result<Frame> {
        serde_json::from_str(text)
    }

    /// The dispatch's name, if this is one.
    pub fn event(&self) -> Option<&str> {
        self.t.as_deref().filter(|_| self.op == 0)
    }
}

/// How long a resume may take, reconnect to RESUMED.
pub const RESUME_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Drops `client`'s connection without a close frame, reconnects to `url` and resumes
/// `session_id` from `seq`, handing each frame replayed before RESUMED to `replayed`; fails
/// on an invalid session, a close, more than `max_frames` frames or [`RESUME_WAIT`].
pub async fn drop_and_resume(
    client: &mut GatewayClient,
    (url, token, session_id): (&str, &str, &str),
    seq: u64,
    max_frames: usize,
    mut replayed: impl FnMut(&Frame),
) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + RESUME_WAIT;
    let fresh =
        tokio::time::timeout_at(deadline, GatewayClient::connect(url)).await.context("reconnect timed out")??;
    std::mem::replace(client, fresh).drop_connection();
    client.resume(token, session_id, seq).await?;
    for _ in 0..max_frames {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let text = match client.next_text(left).await? {
            Ok(text) => text,
            Err(code) => bail!("closed with {code:?} while resuming"),
        };
        let frame = Frame::parse(&text).context("an unreadable frame")?;
        match (frame.op, frame.event()) {
            (9, _) => bail!("the server refused the resume (invalid session)"),
            (0, Some("RESUMED")) => return Ok(()),
            _ => replayed(&frame),
        }
    }
    bail!("no RESUMED within {max_frames} frames")
}

/// A chat message's author and position: the content the writers post is `chat {writer} {seq}`.
pub fn writer_and_seq(content: &str) -> Option<(usize, usize)> {
    let mut parts = content.strip_prefix("chat ")?.split(' ');
    let writer = parts.next()?.parse().ok()?;
    let seq = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((writer, seq))
}

/// The content writer `writer` posts as its `seq`th message.
pub fn content(writer: usize, seq: usize) -> String {
    format!("chat {writer} {seq}")
}

fn message_fields<'de, D: de::Deserializer<'de>>(deserializer: D) -> Result<Option<Fields>, D::Error> {
    deserializer.deserialize_any(FieldsVisitor)
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Option<Fields>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let slot = match key.as_ref() {
                "id" => &mut fields.id,
                "content" => &mut fields.content,
                "session_id" => &mut fields.session_id,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            // Only strings are kept; an `id` of another type (none in a message) is skipped.
            *slot = map.next_value::<Option<Text>>()?.and_then(|t| t.0);
        }
        Ok(Some(fields))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A string, or `None` for any other JSON value.
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(s) => Ok(Text(Some(s))),
            _ => Ok(Text(None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_as_far_as_op_sequence_and_name() {
        let text = r#"{"t":"MESSAGE_CREATE","s":7,"op":0,"d":{"id":"42","content":"a \"quoted\" word"}}"#;
        let frame = Frame::parse(text).expect("parses");
        assert_eq!((frame.op, frame.s, frame.t.as_deref()), (0, Some(7), Some("MESSAGE_CREATE")));
        for text in [r#"{"op":11,"d":null}"#, r#"{"op":9,"d":false}"#, r#"{"op":1,"d":5,"s":null,"t":null}"#] {
            let frame = Frame::parse(text).expect(text);
            assert!(frame.s.is_none() && frame.t.is_none(), "{text}");
        }
    }

    #[test]
    fn a_message_create_gives_its_id_and_content() {
        let text = r#"{"t":"MESSAGE_CREATE","s":7,"op":0,"d":{"id":"42","author":{"id":"9"},"content":"chat 3 12","embeds":[]}}"#;
        let frame = Frame::parse(text).expect("parses");
        assert_eq!((frame.event(), frame.s), (Some("MESSAGE_CREATE"), Some(7)));
        let d = frame.d.expect("an object");
        assert_eq!((d.id.as_deref(), d.content.as_deref()), (Some("42"), Some("chat 3 12")));
        assert_eq!(writer_and_seq(d.content.as_deref().unwrap_or_default()), Some((3, 12)));
    }

    #[test]
    fn frames_whose_d_is_not_an_object_parse() {
        for text in
            [r#"{"op":11,"d":null}"#, r#"{"op":9,"d":false}"#, r#"{"op":1,"d":5}"#, r#"{"op":0,"d":[1,{"a":2}]}"#]
        {
            let frame = Frame::parse(text).expect(text);
            assert!(frame.d.is_none() && frame.event().is_none(), "{text}");
        }
    }

    #[test]
    fn other_content_is_no_chat_message() {
        assert_eq!(writer_and_seq("chat 1"), None);
        assert_eq!(writer_and_seq("chat 1 2 3"), None);
        assert_eq!(writer_and_seq("hello"), None);
        assert_eq!(writer_and_seq(&content(4, 5)), Some((4, 5)));
    }
}
