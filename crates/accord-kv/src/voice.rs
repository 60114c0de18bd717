//! Voice states: per scope (a guild, or a private channel for DM calls), each user's voice
//! state as an opaque JSON string, in one voice channel of the scope, visible to every
//! process. A state lives for its time-to-live unless renewed (its holder keeps the user's
//! session alive); a state whose time ran out is hidden at once and handed, exactly once, to
//! whichever process collects it with [`VoiceKv::voice_take_expired`], so that exactly one
//! process announces that the user left.

use std::time::Duration;

use accord_core::Snowflake;

use crate::KvResult;

/// One user's live voice state in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceEntry {
    /// The guild, or the private channel of a DM call.
    pub scope: Snowflake,
    pub user: Snowflake,
    /// The voice channel the user is in.
    pub channel: Snowflake,
    /// The state itself, as the caller stored it (JSON).
    pub value: String,
}

/// What `voice_put` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoicePut {
    /// The state is stored; `previous` is the user's live state in the scope it replaced.
    Stored { previous: Option<String> },
    /// The channel holds its limit of live states; nothing changed.
    Full,
}

#[async_trait::async_trait]
pub trait VoiceKv {
    /// Stores `value` as `user`'s state in `scope`, in `channel`, live for `ttl`, replacing
    /// the user's previous state in that scope (returned as `previous` when it was live).
    /// With `limit: Some(n)`, refuses with `Full` when the user is not already in `channel`
    /// and `channel` already holds `n` live states. Atomic: concurrent puts never exceed the
    /// limit.
    async fn voice_put(
        &self,
        scope: Snowflake,
        user: Snowflake,
        channel: Snowflake,
        value: &str,
        limit: Option<u32>,
        ttl: Duration,
    ) -> KvResult<VoicePut>;

    /// Replaces `user`'s live state in `scope` with `value` in `channel`, live for `ttl`, only
    /// when its current value is exactly `expected` (compare-and-swap); true when replaced.
    /// No limit check (moves by moderators bypass limits).
    async fn voice_swap(
        &self,
        scope: Snowflake,
        user: Snowflake,
        expected: &str,
        channel: Snowflake,
        value: &str,
        ttl: Duration,
    ) -> KvResult<bool>;

    /// Removes `user`'s live state in `scope` when `expected` is None or equals its value;
    /// returns the removed value (None when nothing live was removed). An expired state is
    /// left for [`VoiceKv::voice_take_expired`], which announces it.
    async fn voice_remove(&self, scope: Snowflake, user: Snowflake, expected: Option<&str>)
    -> KvResult<Option<String>>;

    /// Extends each live state named by (scope, user) to live `ttl` from now. States that are
    /// missing or already expired stay gone.
    async fn voice_renew(&self, states: &[(Snowflake, Snowflake)], ttl: Duration) -> KvResult<()>;

    /// The live states of `scope`, in no particular order.
    async fn voice_list(&self, scope: Snowflake) -> KvResult<Vec<VoiceEntry>>;

    /// The live states of several scopes at once, in the same order as `scopes` (READY
    /// builds many guilds at once), each in no particular order.
    async fn voice_list_many(&self, scopes: &[Snowflake]) -> KvResult<Vec<Vec<VoiceEntry>>>;

    /// The scopes where `user` has a live state, in no particular order.
    async fn voice_scopes_of(&self, user: Snowflake) -> KvResult<Vec<Snowflake>>;

    /// Removes up to `max` states whose time ran out and returns them; each expired state is
    /// returned exactly once across all callers and processes (so exactly one process
    /// announces that the user left).
    async fn voice_take_expired(&self, max: usize) -> KvResult<Vec<VoiceEntry>>;
}
