//! Edge settings (`[edge]` in `accord.toml`).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct EdgeConfig {
    /// Largest request body accepted, in bytes; larger ones get 413 (default 1 MiB).
    pub max_body_bytes: usize,
    /// Login and registration attempts allowed per client address per minute (default 5).
    pub auth_attempts_per_minute: u32,
    /// API requests allowed per caller (user, bot, or address without a token) per minute
    /// over all routes (default 60).
    pub api_requests_per_minute: u32,
    /// Messages a caller may send per channel per 10 seconds (default 10).
    pub messages_per_10_seconds: u32,
    /// Reverse proxies (addresses or CIDRs) whose `X-Forwarded-For` names the client;
    /// from any other peer the header is ignored (default: none).
    pub trusted_proxies: Vec<String>,
}

impl Default for EdgeConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            auth_attempts_per_minute: 5,
            api_requests_per_minute: 60,
            messages_per_10_seconds: 10,
            trusted_proxies: Vec::new(),
        }
    }
}
