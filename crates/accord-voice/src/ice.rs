//! The ICE servers handed to a client (`ready`, the REST join, `GET /voice/ice-servers`): the
//! configured STUN servers, and the TURN servers with short-lived credentials in coturn's
//! shared-secret scheme (`use-auth-secret`, the "TURN REST API"), so a TURN server checks them
//! without asking Accord and a leaked credential expires on its own.

use accord_core::Snowflake;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;

use crate::VoiceConfig;

/// One entry of `RTCConfiguration.iceServers`, in the browser's `RTCIceServer` shape.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// The ICE servers for one user, and how many seconds their TURN credentials stay valid, so a
/// client knows when to fetch new ones.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct IceServers {
    pub ice_servers: Vec<IceServer>,
    pub ttl: u64,
}

/// The ICE servers for `user` at `now_unix_secs`: one STUN entry when STUN servers are
/// configured, and one TURN entry when both TURN servers and `turn_secret` are, whose username
/// is `<expiry>:<user id>` and whose credential is base64(HMAC-SHA1(secret, username)).
pub fn ice_servers(config: &VoiceConfig, user: Snowflake, now_unix_secs: u64) -> IceServers {
    let ttl = config.turn_credential_ttl_secs;
    let mut ice_servers = Vec::new();
    if !config.stun_urls.is_empty() {
        ice_servers.push(IceServer { urls: config.stun_urls.clone(), username: None, credential: None });
    }
    if let Some(secret) = config.turn_secret.as_deref()
        && !config.turn_urls.is_empty()
    {
        let username = format!("{}:{user}", now_unix_secs.saturating_add(ttl));
        let credential = turn_credential(secret, &username);
        ice_servers.push(IceServer {
            urls: config.turn_urls.clone(),
            username: Some(username),
            credential: Some(credential),
        });
    }
    IceServers { ice_servers, ttl }
}

/// The password coturn derives for `username` from the shared secret: standard base64 (with
/// padding) of HMAC-SHA1(secret, username).
fn turn_credential(secret: &str, username: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(username.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(raw: u64) -> Snowflake {
        Snowflake::new(raw).expect("a non-zero id")
    }

    fn config_with_turn(secret: Option<&str>) -> VoiceConfig {
        VoiceConfig {
            stun_urls: vec!["stun:stun.example.org:3478".into()],
            turn_urls: vec!["turn:turn.example.org:3478?transport=udp".into()],
            turn_secret: secret.map(str::to_owned),
            turn_credential_ttl_secs: 86_400,
            ..VoiceConfig::default()
        }
    }

    #[test]
    fn turn_credential_matches_an_independent_hmac_sha1() {
        // Expected values computed outside Rust with Python's standard library:
        // python3 -c "import hmac,hashlib,base64;
        //   print(base64.b64encode(hmac.new(b'key', b'The quick brown fox jumps over the lazy dog',
        //   hashlib.sha1).digest()).decode())"
        // and the same for the secret and username below.
        assert_eq!(
            turn_credential("key", "The quick brown fox jumps over the lazy dog"),
            "3nybhbi3iqa8ino29wqQcBydtNk="
        );
        assert_eq!(
            turn_credential("north-wind-secret", "1700086400:175928847299117063"),
            "cNBh88c6QUsYJrAoDSH0P10TlGc="
        );
    }

    #[test]
    fn turn_entry_carries_expiry_user_and_credential() {
        let servers =
            ice_servers(&config_with_turn(Some("north-wind-secret")), user(175_928_847_299_117_063), 1_700_000_000);

        assert_eq!(servers.ttl, 86_400);
        assert_eq!(
            servers.ice_servers,
            vec![
                IceServer { urls: vec!["stun:stun.example.org:3478".into()], username: None, credential: None },
                IceServer {
                    urls: vec!["turn:turn.example.org:3478?transport=udp".into()],
                    username: Some("1700086400:175928847299117063".into()),
                    credential: Some("cNBh88c6QUsYJrAoDSH0P10TlGc=".into()),
                },
            ]
        );
    }

    #[test]
    fn username_expires_ttl_seconds_after_now() {
        let mut config = config_with_turn(Some("s"));
        config.turn_credential_ttl_secs = 60;

        let servers = ice_servers(&config, user(42), 1_700_000_000);

        let turn = &servers.ice_servers[1];
        assert_eq!(turn.username.as_deref(), Some("1700000060:42"));
        assert_eq!(servers.ttl, 60);
    }

    #[test]
    fn no_turn_without_a_secret() {
        let servers = ice_servers(&config_with_turn(None), user(42), 1_700_000_000);

        assert_eq!(servers.ice_servers.len(), 1);
        assert!(servers.ice_servers[0].urls[0].starts_with("stun:"));
    }

    #[test]
    fn no_turn_without_turn_urls_and_no_stun_without_stun_urls() {
        let mut config = config_with_turn(Some("s"));
        config.turn_urls.clear();
        config.stun_urls.clear();

        assert!(ice_servers(&config, user(42), 0).ice_servers.is_empty());
    }

    #[test]
    fn serializes_in_the_rtc_ice_server_shape() {
        let servers = ice_servers(&config_with_turn(Some("s")), user(42), 0);

        let json = serde_json::to_value(&servers).expect("serializable");

        assert_eq!(json["ttl"], 86_400);
        assert_eq!(json["ice_servers"][0], serde_json::json!({"urls": ["stun:stun.example.org:3478"]}));
        assert_eq!(json["ice_servers"][1]["username"], "86400:42");
        assert!(json["ice_servers"][1]["credential"].is_string());
    }
}
