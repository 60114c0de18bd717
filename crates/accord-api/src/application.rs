//! Applications (bots).

use accord_core::Snowflake;
use serde::Serialize;

use crate::user::User;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Application {
    pub id: Snowflake,
    pub name: String,
    pub icon: Option<String>,
    pub description: String,
    pub summary: String,
    pub rpc_origins: Vec<String>,
    pub bot_public: bool,
    pub bot_require_code_grant: bool,
    pub bot: User,
    pub owner: User,
    pub team: crate::Null,
    /// Hex public key; Accord signs no interactions yet, so it is a stable per-app value.
    pub verify_key: String,
    pub flags: u64,
    pub tags: Vec<String>,
    pub approximate_guild_count: u64,
    pub redirect_uris: Vec<String>,
    pub interactions_endpoint_url: Option<String>,
    pub install_params: crate::Null,
    pub integration_types_config: serde_json::Value,
}

/// `POST /applications` answer: the application and, once only, its bot token.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CreatedApplication {
    #[serde(flatten)]
    pub application: Application,
    pub token: String,
}
