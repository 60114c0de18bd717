//! The body of an event message: the event's fields as JSON, so that other tools (the `nats`
//! CLI, a debugging consumer) can read the log too.

use std::borrow::Cow;

use accord_core::Snowflake;
use accord_store::EventDraft;
use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// [`EventDraft`] on the wire; borrowed when encoding, owned when decoding.
#[derive(Serialize, Deserialize)]
struct WireEvent<'a> {
    id: Snowflake,
    #[serde(borrow)]
    name: Cow<'a, str>,
    guild_id: Option<Snowflake>,
    channel_id: Option<Snowflake>,
    user_ids: Cow<'a, [Snowflake]>,
    #[serde(borrow)]
    data: Cow<'a, str>,
}

pub(crate) fn encode(event: &EventDraft) -> Bytes {
    let wire = WireEvent {
        id: event.id,
        name: Cow::Borrowed(&event.name),
        guild_id: event.guild_id,
        channel_id: event.channel_id,
        user_ids: Cow::Borrowed(&event.user_ids),
        data: Cow::Borrowed(&event.data),
    };
    // Strings, ids and options only: serialising cannot fail.
    Bytes::from(serde_json::to_vec(&wire).unwrap_or_default())
}

pub(crate) fn decode(body: &[u8]) -> Result<EventDraft, serde_json::Error> {
    let wire: WireEvent<'_> = serde_json::from_slice(body)?;
    Ok(EventDraft {
        id: wire.id,
        name: wire.name.into_owned(),
        guild_id: wire.guild_id,
        channel_id: wire.channel_id,
        user_ids: wire.user_ids.into_owned(),
        data: wire.data.into_owned(),
    })
}

/// Header of an event's second and later copies: the stream position of its first copy,
/// which is the event's position in the log.
pub(crate) const FIRST_COPY: &str = "Accord-First-Copy";

/// The event's position in the log: its first copy's, as a later copy records it.
pub(crate) fn event_position(message: &async_nats::jetstream::Message, stream_position: u64) -> u64 {
    message
        .headers
        .as_ref()
        .and_then(|h| h.get(FIRST_COPY))
        .and_then(|v| v.as_str().parse().ok())
        .unwrap_or(stream_position)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_round_trips() {
        let id = |n| Snowflake::new(n).unwrap();
        let event = EventDraft {
            id: id(1),
            name: "MESSAGE_CREATE".into(),
            guild_id: Some(id(2)),
            channel_id: None,
            user_ids: vec![id(3), id(4)],
            data: "{\"content\":\"a \\\"quoted\\\" word\"}".into(),
        };
        assert_eq!(decode(&encode(&event)).unwrap(), event);
    }
}
