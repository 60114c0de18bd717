//! Subject names: where each topic's events, the ticks and topic-less events are published,
//! the filters that select them, and the way back from a subject to what it carries.

use std::collections::BTreeSet;

use accord_bus::Topic;
use accord_core::Snowflake;

/// What a message on one of the bus's subjects is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Carries {
    /// A copy of an event, on one of its topics.
    Topic(Topic),
    /// An event with no topic: only subscribers to everything get it.
    Untargeted,
    /// A tick: no event, it only moves positions on.
    Tick,
}

/// The subject names under one prefix.
#[derive(Debug, Clone)]
pub(crate) struct Subjects {
    /// `<prefix>.events.`, the start of every subject the bus uses.
    base: String,
}

impl Subjects {
    pub(crate) fn new(prefix: &str) -> Self {
        Self { base: format!("{prefix}.events.") }
    }

    /// Every subject of the bus: the stream's subject, and the filter of "everything".
    pub(crate) fn all(&self) -> String {
        format!("{}>", self.base)
    }

    pub(crate) fn topic(&self, topic: Topic) -> String {
        format!("{}{topic}", self.base)
    }

    pub(crate) fn tick(&self) -> String {
        format!("{}tick", self.base)
    }

    pub(crate) fn untargeted(&self) -> String {
        format!("{}none", self.base)
    }

    /// The subjects a consumer for `topics` filters on: the topics and the ticks, or everything
    /// when there are more than `max` topics (the subscriber then drops what it does not follow).
    pub(crate) fn filter(&self, topics: &BTreeSet<Topic>, max: usize) -> Vec<String> {
        if topics.len() > max {
            return vec![self.all()];
        }
        std::iter::once(self.tick()).chain(topics.iter().map(|t| self.topic(*t))).collect()
    }

    /// What a message on `subject` carries; `None` for a subject the bus does not write.
    pub(crate) fn parse(&self, subject: &str) -> Option<Carries> {
        let rest = subject.strip_prefix(&self.base)?;
        match rest {
            "tick" => return Some(Carries::Tick),
            "none" => return Some(Carries::Untargeted),
            _ => {}
        }
        let (kind, id) = rest.split_once('.')?;
        let id: Snowflake = id.parse().ok()?;
        match kind {
            "guild" => Some(Carries::Topic(Topic::Guild(id))),
            "user" => Some(Carries::Topic(Topic::User(id))),
            _ => None,
        }
    }
}

/// The `Nats-Msg-Id` of an event's copy on `topic`: the event id for the first copy, so a
/// republish is dropped by JetStream, and a derived id for each further one.
pub(crate) fn message_id(event: Snowflake, copy: usize, topic: Option<Topic>) -> String {
    match (copy, topic) {
        (0, _) | (_, None) => event.to_string(),
        (_, Some(topic)) => format!("{event}:{topic}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> Snowflake {
        Snowflake::new(n).unwrap()
    }

    #[test]
    fn subjects_round_trip() {
        let subjects = Subjects::new("acc");
        for topic in [Topic::Guild(id(5)), Topic::User(id(7))] {
            assert_eq!(subjects.parse(&subjects.topic(topic)), Some(Carries::Topic(topic)));
        }
        assert_eq!(subjects.topic(Topic::Guild(id(5))), "acc.events.guild.5");
        assert_eq!(subjects.parse(&subjects.tick()), Some(Carries::Tick));
        assert_eq!(subjects.parse(&subjects.untargeted()), Some(Carries::Untargeted));
        assert_eq!(subjects.parse("acc.events.guild.0"), None);
        assert_eq!(subjects.parse("other.events.guild.5"), None);
    }

    #[test]
    fn a_long_topic_list_filters_on_everything() {
        let subjects = Subjects::new("acc");
        let topics: BTreeSet<Topic> = (1..=3).map(|n| Topic::Guild(id(n))).collect();
        assert_eq!(subjects.filter(&topics, 3).len(), 4);
        assert_eq!(subjects.filter(&topics, 2), vec!["acc.events.>".to_owned()]);
    }

    #[test]
    fn only_the_first_copy_carries_the_bare_event_id() {
        assert_eq!(message_id(id(9), 0, Some(Topic::Guild(id(1)))), "9");
        assert_eq!(message_id(id(9), 1, Some(Topic::User(id(2)))), "9:user.2");
    }
}
