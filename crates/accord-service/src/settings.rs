//! What a user keeps about themselves beyond their account: their settings and profile
//! fields, stored as one JSON document per user (written by the users service, read by
//! whoever needs to respect a setting). Fields missing from a stored document take their
//! defaults, so settings can be added without a migration.

use std::collections::HashMap;

use accord_api::settings::{Profile, UserSettings};
use accord_core::Snowflake;
use accord_store::{Store, StoreResult};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserDocument {
    pub settings: UserSettings,
    pub profile: Profile,
}

impl UserDocument {
    fn parse(user_id: Snowflake, text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_else(|error| {
            // Never written by anything but `to_json`; keep the user usable rather than fail their requests.
            tracing::error!(%error, %user_id, "unreadable settings document; using the defaults");
            Self::default()
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("settings always serialise")
    }
}

/// The user's document, or the defaults when they never changed anything.
pub async fn document_of(store: &dyn Store, user_id: Snowflake) -> StoreResult<UserDocument> {
    Ok(store.user_settings(user_id).await?.map(|text| UserDocument::parse(user_id, &text)).unwrap_or_default())
}

/// The documents of `user_ids`; those without one are missing (their settings are the defaults).
pub async fn documents_of(store: &dyn Store, user_ids: &[Snowflake]) -> StoreResult<HashMap<Snowflake, UserDocument>> {
    let stored = store.users_settings(user_ids).await?;
    Ok(stored.into_iter().map(|(id, text)| (id, UserDocument::parse(id, &text))).collect())
}
