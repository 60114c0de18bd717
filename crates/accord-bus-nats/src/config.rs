//! What a [`NatsBus`](crate::NatsBus) is told: the names of its JetStream resources and how
//! long it keeps things, with defaults fit for a single NATS server.

use std::time::Duration;

/// The settings of a [`NatsBus`](crate::NatsBus). [`NatsBusConfig::with_prefix`] derives the
/// stream and bucket names from the subject prefix; every field can be set on its own.
#[derive(Debug, Clone)]
pub struct NatsBusConfig {
    /// Subject prefix: events go to `<prefix>.events.guild.<id>` and `<prefix>.events.user.<id>`.
    /// Lets several Accord deployments (or test runs) share one NATS account.
    pub prefix: String,
    /// Name of the JetStream stream that holds the event log (no `.`, `*`, `>` or spaces).
    pub stream: String,
    /// Name of the JetStream key-value bucket that holds gateway sessions' resume state
    /// (letters, digits, `-` and `_`).
    pub session_bucket: String,
    /// How long the log keeps an event: the window in which a client can resume and get what
    /// it missed. Older events are dropped by JetStream.
    pub max_age: Duration,
    /// How long a saved session state is kept after its last save.
    pub session_ttl: Duration,
    /// How long JetStream remembers a published event id to drop a republish of it (an outbox
    /// relay retry). Capped at `max_age`, as JetStream requires.
    pub duplicate_window: Duration,
    /// Replicas of the stream and the bucket: 1 on a single server, 3 in a NATS cluster.
    pub replicas: usize,
    /// How long to wait for NATS when connecting, for a publish acknowledgement and for a
    /// JetStream request before giving up with an error; the outbox relay retries later.
    pub request_timeout: Duration,
    /// How often the log gets a tick (one per interval across all processes), so that a
    /// subscription's position moves on while its topics are quiet and a resume from it is
    /// not refused for age.
    pub tick_interval: Duration,
    /// A subscription following more topics than this reads every event and keeps its own
    /// locally, instead of asking JetStream for an ever longer subject filter.
    pub max_filter_subjects: usize,
}

impl NatsBusConfig {
    /// Defaults, with the stream `<PREFIX>_EVENTS` and the bucket `<prefix>_sessions`
    /// (dots in the prefix become underscores).
    pub fn with_prefix(prefix: &str) -> Self {
        let name = prefix.replace(['.', '*', '>', ' '], "_");
        Self {
            prefix: prefix.to_owned(),
            stream: format!("{}_EVENTS", name.to_uppercase()),
            session_bucket: format!("{name}_sessions"),
            max_age: Duration::from_secs(600),
            session_ttl: Duration::from_secs(300),
            duplicate_window: Duration::from_secs(120),
            replicas: 1,
            request_timeout: Duration::from_secs(2),
            tick_interval: Duration::from_secs(5),
            max_filter_subjects: 1_000,
        }
    }

    /// The duplicate window JetStream accepts: never longer than the log keeps events.
    pub(crate) fn effective_duplicate_window(&self) -> Duration {
        self.duplicate_window.min(self.max_age)
    }

    /// The tick interval in use: at most a quarter of `max_age`, so that a subscriber's position
    /// is always far younger than the oldest event the log holds.
    pub(crate) fn effective_tick_interval(&self) -> Duration {
        self.tick_interval.min(self.max_age / 4).max(Duration::from_millis(10))
    }

    /// How long a subscription waits without hearing anything (not even a tick) before it
    /// re-creates its consumer, in case it silently stopped.
    pub(crate) fn stall_after(&self) -> Duration {
        (self.effective_tick_interval() * 4).max(Duration::from_secs(2))
    }
}

impl Default for NatsBusConfig {
    fn default() -> Self {
        Self::with_prefix("accord")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_derive_from_the_prefix() {
        let config = NatsBusConfig::with_prefix("prod.accord");
        assert_eq!(config.stream, "PROD_ACCORD_EVENTS");
        assert_eq!(config.session_bucket, "prod_accord_sessions");
        assert_eq!(config.prefix, "prod.accord");
    }

    #[test]
    fn the_duplicate_window_never_outlasts_the_log() {
        let config = NatsBusConfig { max_age: Duration::from_secs(30), ..NatsBusConfig::default() };
        assert_eq!(config.effective_duplicate_window(), Duration::from_secs(30));
        assert_eq!(config.effective_tick_interval(), Duration::from_millis(7_500).min(config.tick_interval));
    }
}
