//! The serialised forms of one event: built once per event and view, shared by every
//! session that gets that view. Bots without the MESSAGE_CONTENT intent get messages with
//! content, embeds, attachments and components emptied — unless they wrote the message or
//! are mentioned in it.

use std::sync::Arc;

use accord_core::Snowflake;
use accord_store::EventDraft;
use serde::Deserialize;
use serde_json::Value;

use crate::intents;
use crate::protocol::dispatch_head;
use crate::session::Identity;

pub struct Views<'a> {
    event: &'a EventDraft,
    full: Option<Arc<str>>,
    blank: Option<Arc<str>>,
    /// Author and mentioned users of a message event, read once.
    readers: Option<Vec<Snowflake>>,
}

#[derive(Deserialize)]
struct Id {
    id: Snowflake,
}

#[derive(Deserialize)]
struct MessageParties {
    #[serde(default)]
    author: Option<Id>,
    #[serde(default)]
    mentions: Vec<Id>,
}

impl<'a> Views<'a> {
    pub fn new(event: &'a EventDraft) -> Self {
        Self { event, full: None, blank: None, readers: None }
    }

    /// The frame head `identity` should get.
    pub fn head_for(&mut self, identity: &Identity) -> Arc<str> {
        if self.needs_blank(identity) {
            if self.blank.is_none() {
                self.blank = Some(Arc::from(dispatch_head(&self.event.name, &blanked(&self.event.data))));
            }
            return self.blank.clone().unwrap_or_else(|| self.full_head());
        }
        self.full_head()
    }

    fn full_head(&mut self) -> Arc<str> {
        self.full.get_or_insert_with(|| Arc::from(dispatch_head(&self.event.name, &self.event.data))).clone()
    }

    fn needs_blank(&mut self, identity: &Identity) -> bool {
        let is_message = matches!(self.event.name.as_str(), "MESSAGE_CREATE" | "MESSAGE_UPDATE");
        if !is_message || !identity.bot || identity.wants(intents::MESSAGE_CONTENT) || self.event.guild_id.is_none() {
            return false;
        }
        let data = &self.event.data;
        let readers = self.readers.get_or_insert_with(|| {
            serde_json::from_str::<MessageParties>(data)
                .map(|p| p.author.into_iter().chain(p.mentions).map(|i| i.id).collect())
                .unwrap_or_default()
        });
        !readers.contains(&identity.user_id)
    }
}

/// The message payload with its content fields emptied.
fn blanked(data: &str) -> String {
    let Ok(Value::Object(mut message)) = serde_json::from_str::<Value>(data) else { return data.to_owned() };
    message.insert("content".into(), Value::String(String::new()));
    for list in ["embeds", "attachments", "components"] {
        message.insert(list.into(), Value::Array(Vec::new()));
    }
    message.remove("poll");
    Value::Object(message).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(user: u64, bot: bool, intents: u64) -> Identity {
        Identity {
            session_id: "s".into(),
            user_id: Snowflake::new(user).unwrap(),
            bot,
            intents,
            shard: (0, 1),
            auth_session: None,
        }
    }

    #[test]
    fn bots_without_message_content_get_blank_messages_unless_author_or_mentioned() {
        let event = EventDraft {
            id: Snowflake::new(1).unwrap(),
            name: "MESSAGE_CREATE".into(),
            guild_id: Snowflake::new(9),
            channel_id: Snowflake::new(8),
            user_ids: vec![],
            data: r#"{"content":"secret","author":{"id":"5"},"mentions":[{"id":"6"}],"embeds":[1]}"#.into(),
        };
        let mut views = Views::new(&event);
        let content = |head: Arc<str>| {
            let v: Value = serde_json::from_str(&crate::protocol::finish_dispatch(&head, 1)).unwrap();
            v["d"]["content"].as_str().unwrap().to_owned()
        };
        assert_eq!(content(views.head_for(&identity(7, true, 0))), "");
        assert_eq!(content(views.head_for(&identity(5, true, 0))), "secret");
        assert_eq!(content(views.head_for(&identity(6, true, 0))), "secret");
        assert_eq!(content(views.head_for(&identity(7, true, intents::MESSAGE_CONTENT))), "secret");
        assert_eq!(content(views.head_for(&identity(7, false, 0))), "secret");
        assert!(Arc::ptr_eq(&views.head_for(&identity(7, true, 0)), &views.head_for(&identity(8, true, 0))));
    }
}
