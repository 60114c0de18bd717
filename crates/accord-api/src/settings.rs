//! A user's settings (`GET/PATCH /users/@me/settings`, USER_SETTINGS_UPDATE) and the profile
//! fields beyond the user object (`bio`, `pronouns`, `banner`, `accent_color`). Both are read
//! back from storage with defaults for anything missing, so new settings need no migration.

use accord_core::Snowflake;
use serde::{Deserialize, Serialize};

/// Statuses a user may choose.
pub const STATUSES: [&str; 4] = ["online", "idle", "dnd", "invisible"];
/// Themes of the web client.
pub const THEMES: [&str; 2] = ["dark", "light"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserSettings {
    /// The status the user chose: what their sessions show unless one sets another.
    pub status: String,
    pub custom_status: Option<CustomStatus>,
    pub locale: String,
    pub theme: String,
    /// Members of guilds the user shares may not DM them (friends still may).
    pub default_guilds_restricted: bool,
    /// Guilds whose members may not DM the user.
    pub restricted_guilds: Vec<Snowflake>,
    /// Who may send the user friend requests.
    pub friend_source_flags: FriendSourceFlags,
    /// Whether others in the user's DMs and group DMs see how far they have read.
    pub read_receipts: bool,
    /// Whether people who share nothing with the user find them in user search.
    pub discoverable: bool,
}

impl Default for UserSettings {
    fn default() -> Self {
        Self {
            status: "online".into(),
            custom_status: None,
            locale: "en-US".into(),
            theme: "dark".into(),
            default_guilds_restricted: false,
            restricted_guilds: Vec::new(),
            friend_source_flags: FriendSourceFlags::default(),
            read_receipts: true,
            discoverable: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomStatus {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub emoji_id: Option<Snowflake>,
    #[serde(default)]
    pub emoji_name: Option<String>,
    /// When it clears itself (ISO 8601); none to keep it.
    #[serde(default)]
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FriendSourceFlags {
    /// Anyone.
    pub all: bool,
    /// People with a friend in common.
    pub mutual_friends: bool,
    /// People in a guild in common.
    pub mutual_guilds: bool,
}

impl Default for FriendSourceFlags {
    fn default() -> Self {
        Self { all: true, mutual_friends: true, mutual_guilds: true }
    }
}

/// Profile fields beyond the user object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    pub bio: String,
    pub pronouns: String,
    /// The banner image's hash.
    pub banner: Option<String>,
    pub accent_color: Option<u32>,
}
