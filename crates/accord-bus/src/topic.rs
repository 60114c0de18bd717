//! Topics: the addresses events are published on, so that a gateway node receives only the
//! events of the guilds and users its sessions follow.

use std::fmt;

use accord_core::Snowflake;
use accord_store::EventDraft;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// Everything that happens in a guild.
    Guild(Snowflake),
    /// Events addressed to a user directly (their own updates, DMs, guild joins and leaves).
    User(Snowflake),
}

/// The topics an event goes out on: its guild, and each user it names directly.
pub fn topics_of(event: &EventDraft) -> Vec<Topic> {
    let guild = event.guild_id.map(Topic::Guild);
    guild.into_iter().chain(event.user_ids.iter().copied().map(Topic::User)).collect()
}

impl fmt::Display for Topic {
    /// The NATS-style subject suffix: `guild.<id>` or `user.<id>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Topic::Guild(id) => write!(f, "guild.{id}"),
            Topic::User(id) => write!(f, "user.{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_goes_to_its_guild_and_each_named_user() {
        let id = |n| Snowflake::new(n).unwrap();
        let event = EventDraft {
            id: id(1),
            name: "GUILD_MEMBER_UPDATE".into(),
            guild_id: Some(id(2)),
            channel_id: None,
            user_ids: vec![id(3), id(4)],
            data: "{}".into(),
        };
        assert_eq!(topics_of(&event), vec![Topic::Guild(id(2)), Topic::User(id(3)), Topic::User(id(4))]);
        assert_eq!(Topic::User(id(3)).to_string(), "user.3");
    }
}
