//! Guild roles.

use accord_core::Snowflake;

use crate::{EventDraft, RoleRecord, StoreResult};

#[async_trait::async_trait]
pub trait RoleStore {
    async fn create_role(&self, role: &RoleRecord, events: &[EventDraft]) -> StoreResult<()>;

    /// The guild's roles ordered by (position, id), @everyone included.
    async fn guild_roles(&self, guild_id: Snowflake) -> StoreResult<Vec<RoleRecord>>;

    /// Replaces each given role (for edits and position moves) in one transaction.
    async fn update_roles(&self, roles: &[RoleRecord], events: &[EventDraft]) -> StoreResult<()>;

    /// Deletes a role, removing it from every member and every channel overwrite.
    /// Returns false when it did not exist in that guild.
    async fn delete_role(&self, guild_id: Snowflake, role_id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;
}
