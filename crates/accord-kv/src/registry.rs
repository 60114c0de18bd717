//! The registry: the live members of a group (the running instances of a deployment), each
//! with a value it refreshes before its time-to-live runs out. A member that stops
//! refreshing (its process died) drops out by itself.

use std::time::Duration;

use crate::KvResult;

#[async_trait::async_trait]
pub trait RegistryKv {
    /// Records `value` for member `id` of `group` for `ttl`, replacing its previous value.
    async fn registry_put(&self, group: &str, id: &str, value: &str, ttl: Duration) -> KvResult<()>;

    /// The values of the live members of `group`, in no particular order.
    async fn registry_list(&self, group: &str) -> KvResult<Vec<String>>;

    /// Removes member `id` of `group` at once (an orderly shutdown).
    async fn registry_remove(&self, group: &str, id: &str) -> KvResult<()>;
}
