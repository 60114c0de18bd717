//! Voice settings (`[voice]` in `accord.toml`).

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct VoiceConfig {
    /// The one UDP address the SFU receives and sends all media on. Default: the address and
    /// port the HTTP server listens on (UDP and TCP share the number); port 0 picks a free one.
    pub udp: Option<SocketAddr>,
    /// The IP address clients send media to, announced as the SFU's ICE candidate. Default: the
    /// address of `udp`, or 127.0.0.1 when that is unspecified (`0.0.0.0`): set it for clients
    /// on other machines.
    pub public_ip: Option<std::net::IpAddr>,
    /// The `host:port` clients reach this node's `/voice/ws` at (VOICE_SERVER_UPDATE's
    /// `endpoint`). Default: the host of `public_url`.
    pub endpoint: Option<String>,
    /// STUN servers handed to clients (`stun:host:port`).
    pub stun_urls: Vec<String>,
    /// TURN servers handed to clients (`turn:host:port?transport=udp`), with credentials
    /// made from `turn_secret`.
    pub turn_urls: Vec<String>,
    /// The secret shared with the TURN server (coturn's `static-auth-secret`); TURN servers
    /// are announced only when it is set.
    pub turn_secret: Option<String>,
    /// How long issued TURN credentials stay valid (default one day).
    pub turn_credential_ttl_secs: u64,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self {
            udp: None,
            public_ip: None,
            endpoint: None,
            stun_urls: vec!["stun:stun.l.google.com:19302".into()],
            turn_urls: Vec::new(),
            turn_secret: None,
            turn_credential_ttl_secs: 86_400,
        }
    }
}
