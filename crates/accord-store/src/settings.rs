//! Each user's settings (status, custom status, locale, theme, privacy), kept as one JSON
//! document that the users service reads and validates.

use accord_core::Snowflake;

use crate::{EventDraft, StoreResult};

#[async_trait::async_trait]
pub trait SettingsStore {
    /// The user's settings document; none when they never changed a setting.
    async fn user_settings(&self, user_id: Snowflake) -> StoreResult<Option<String>>;

    /// The settings documents of those of `user_ids` who have one, in any order.
    async fn users_settings(&self, user_ids: &[Snowflake]) -> StoreResult<Vec<(Snowflake, String)>>;

    /// Replaces the user's settings document and writes `events`.
    async fn set_user_settings(&self, user_id: Snowflake, settings: &str, events: &[EventDraft]) -> StoreResult<()>;
}
