//! Gateway settings (`[gateway]` in `accord.toml`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayConfig {
    /// The URL clients are told to connect to (`GET /gateway`, READY's `resume_gateway_url`),
    /// without a trailing slash. Default: `ws://` + the request's Host + `/gateway`.
    pub public_url: Option<String>,
    /// Heartbeat interval sent in Hello, in milliseconds (default 41250, as Discord).
    pub heartbeat_interval_ms: u64,
    /// A connection that has not identified or resumed this long after Hello is closed (default 20 s).
    pub identify_timeout_secs: u64,
    /// How long a dropped session can be resumed (default 300 s).
    pub resume_window_secs: u64,
    /// Frames queued but not yet written before a slow connection is closed (resumably).
    pub max_queued_frames: usize,
    /// Bytes queued but not yet written before a slow connection is closed (resumably).
    pub max_queued_bytes: usize,
    /// A person's session that sends nothing but heartbeats this long shows idle (default
    /// 600 s); bots never go idle on their own.
    pub idle_after_secs: u64,
    /// Frames kept for replay (sent but not yet acknowledged by a heartbeat, plus queued);
    /// beyond it the oldest are dropped and resuming from before them gets op 9.
    pub max_retained_frames: usize,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            heartbeat_interval_ms: 41_250,
            identify_timeout_secs: 20,
            resume_window_secs: 300,
            max_queued_frames: 1000,
            max_queued_bytes: 1024 * 1024,
            max_retained_frames: 5000,
            idle_after_secs: 600,
        }
    }
}
