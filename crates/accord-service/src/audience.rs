//! Who receives an event about a channel. A guild channel's events go to the guild, gated at
//! the gateway by VIEW_CHANNEL on the channel; a public thread's are gated by its parent
//! (threads have no permissions of their own); a private thread's go to its members only, and
//! a DM's or group DM's to its recipients.

use accord_core::Snowflake;
use accord_store::{ChannelRecord, EventDraft, Store, StoreResult};
use serde::Serialize;

use crate::ServiceContext;
use crate::access::PRIVATE_THREAD;

/// The routing fields of an [`EventDraft`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    pub guild_id: Option<Snowflake>,
    /// The channel whose VIEW_CHANNEL gates delivery.
    pub channel_id: Option<Snowflake>,
    pub user_ids: Vec<Snowflake>,
}

impl Audience {
    /// Everyone who may see `channel`.
    pub async fn of(store: &dyn Store, channel: &ChannelRecord) -> StoreResult<Self> {
        if channel.guild_id.is_none() {
            let recipients = store.private_channel(channel.id).await?.map(|p| p.recipients).unwrap_or_default();
            return Ok(Self::private(&recipients));
        }
        if channel.kind == PRIVATE_THREAD {
            let members = store.thread_members(channel.id).await?;
            return Ok(Self {
                guild_id: None,
                channel_id: None,
                user_ids: members.iter().map(|m| m.user_id).collect(),
            });
        }
        let gate = if channel.is_thread() { channel.parent_id } else { Some(channel.id) };
        Ok(Self { guild_id: channel.guild_id, channel_id: gate, user_ids: Vec::new() })
    }

    /// The recipients of a DM or group DM.
    pub fn private(recipients: &[Snowflake]) -> Self {
        Self { guild_id: None, channel_id: None, user_ids: recipients.to_vec() }
    }

    /// Also delivers to `user_id` directly (a member just removed from a private thread).
    pub fn and_user(mut self, user_id: Snowflake) -> Self {
        if !self.user_ids.contains(&user_id) {
            self.user_ids.push(user_id);
        }
        self
    }

    pub fn event(&self, ctx: &ServiceContext, name: &str, data: &impl Serialize) -> EventDraft {
        ctx.event(name, self.guild_id, self.channel_id, self.user_ids.clone(), data)
    }
}
