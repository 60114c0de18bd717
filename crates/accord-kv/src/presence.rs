//! Presence: per user, one JSON value per holder (Accord's gateway nodes each hold the
//! combined presence of their sessions of the user; the presence service holds what clients
//! set over REST), visible to every process. A user is online while some holder's claim
//! lives; readers get the live holders' values and combine them. Each claim has its own
//! expiry, renewed while its holder lives, so a user online on two nodes stays online when one
//! of them ends its sessions or dies, and a dead holder's value stops counting.

use std::time::Duration;

use accord_core::Snowflake;
use serde_json::Value;

use crate::KvResult;

#[async_trait::async_trait]
pub trait PresenceKv {
    /// `holder` claims `user` for `ttl` with `value` as its own (other holders' values are
    /// kept). Returns the live holders' values as they were before, by holder name; empty
    /// when the user had no live claim (was offline).
    async fn presence_set(&self, user: Snowflake, holder: &str, value: &Value, ttl: Duration) -> KvResult<Vec<Value>>;

    /// Renews `holder`'s claims on `users` for another `ttl`, with the values given (which
    /// restore a claim that vanished: expired, or lost by the backend).
    async fn presence_refresh(&self, holder: &str, users: &[(Snowflake, Value)], ttl: Duration) -> KvResult<()>;

    /// Withdraws `holder`'s claim and value on `user`. Returns the live values left, by
    /// holder name; empty when the user is offline.
    async fn presence_clear(&self, user: Snowflake, holder: &str) -> KvResult<Vec<Value>>;

    /// The live holders' values of each of `users`, in the same order, each by holder name;
    /// empty for users without a live claim.
    async fn presence_get_many(&self, users: &[Snowflake]) -> KvResult<Vec<Vec<Value>>>;
}
