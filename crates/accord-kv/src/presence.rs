//! Presence: one JSON value per user (the gateway's status and activities), visible to every
//! process, and online only while some holder claims it. A holder is whatever keeps the user
//! online — Accord's gateway uses its node's boot id, since each node knows when a user's last
//! session on it ends — and each claim has its own expiry, renewed while the holder lives. So a
//! user online on two nodes stays online when one of them ends its sessions or dies.

use std::time::Duration;

use accord_core::Snowflake;
use serde_json::Value;

use crate::KvResult;

#[async_trait::async_trait]
pub trait PresenceKv {
    /// `holder` claims `user` for `ttl` and sets the user's value (the last writer wins,
    /// whichever holder it is). Returns the value it replaced; none when the user had no live
    /// claim (was offline).
    async fn presence_set(
        &self,
        user: Snowflake,
        holder: &str,
        value: &Value,
        ttl: Duration,
    ) -> KvResult<Option<Value>>;

    /// Renews `holder`'s claims on `users` for another `ttl`, keeping their current values;
    /// a user whose value has vanished (expired, or the backend lost it) gets the one given.
    async fn presence_refresh(&self, holder: &str, users: &[(Snowflake, Value)], ttl: Duration) -> KvResult<()>;

    /// Withdraws `holder`'s claim on `user`. True when no live claim remains: the user is
    /// offline and their value is gone.
    async fn presence_clear(&self, user: Snowflake, holder: &str) -> KvResult<bool>;

    /// The values of `users`, in the same order; none for users without a live claim.
    async fn presence_get_many(&self, users: &[Snowflake]) -> KvResult<Vec<Option<Value>>>;
}
