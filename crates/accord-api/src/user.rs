//! User objects: the public user, and the current user with its private fields.

use accord_core::Snowflake;
use serde::Serialize;

/// A user as anyone may see them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: Snowflake,
    pub username: String,
    /// Always `"0"`: Accord has unique usernames, like Discord after its migration.
    pub discriminator: &'static str,
    pub global_name: Option<String>,
    pub avatar: Option<String>,
    pub bot: bool,
    pub system: bool,
    pub banner: Option<String>,
    pub accent_color: Option<u32>,
    pub public_flags: u64,
    pub avatar_decoration_data: crate::Null,
}

/// The user behind the token, with the fields only they see.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CurrentUser {
    #[serde(flatten)]
    pub user: User,
    pub mfa_enabled: bool,
    pub locale: String,
    pub verified: bool,
    pub email: Option<String>,
    pub flags: u64,
    pub premium_type: u8,
    pub bio: String,
}
