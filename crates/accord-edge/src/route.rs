//! Which service answers a request: the services a process can run, and the table from API
//! paths to them that the edge forwards by when the service runs in another process.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A service of the binary (DESIGN.md, "Services").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Edge,
    Auth,
    Users,
    Guilds,
    Chat,
    Media,
    Presence,
    Voice,
    Gateway,
}

impl Service {
    pub const ALL: [Service; 9] = [
        Service::Edge,
        Service::Auth,
        Service::Users,
        Service::Guilds,
        Service::Chat,
        Service::Media,
        Service::Presence,
        Service::Voice,
        Service::Gateway,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Edge => "edge",
            Service::Auth => "auth",
            Service::Users => "users",
            Service::Guilds => "guilds",
            Service::Chat => "chat",
            Service::Media => "media",
            Service::Presence => "presence",
            Service::Voice => "voice",
            Service::Gateway => "gateway",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Service {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Service::ALL.into_iter().find(|service| service.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Service::ALL.iter().map(|s| s.name()).collect();
            format!("unknown service {s:?}; services are all, {}", names.join(", "))
        })
    }
}

/// API roots the edge mounts the services under.
pub const API_ROOTS: [&str; 3] = ["/api/v10", "/api/v9", "/api"];

/// Top-level paths the media service serves files under.
pub const MEDIA_ROOTS: [&str; 6] =
    ["/attachments/", "/icons/", "/channel-icons/", "/avatars/", "/banners/", "/emojis/"];

/// The service that answers `path` (a full request path), if any.
pub fn service_of(path: &str) -> Option<Service> {
    let Some(rest) = API_ROOTS.iter().find_map(|root| path.strip_prefix(root).filter(|r| r.starts_with('/'))) else {
        // The WebSocket endpoint and the media files live at the top level.
        if MEDIA_ROOTS.iter().any(|root| path.starts_with(root)) {
            return Some(Service::Media);
        }
        if path == "/voice/ws" {
            return Some(Service::Voice);
        }
        return (path == "/" || path == "/gateway" || path.starts_with("/gateway/")).then_some(Service::Gateway);
    };
    let first = rest.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "auth" | "applications" | "oauth2" => Some(Service::Auth),
        // The guilds of the current user are the guilds service's; the rest of `/users` is
        // the users service's.
        "users" if rest.trim_start_matches('/').split('/').nth(2) == Some("guilds") => Some(Service::Guilds),
        "users" => Some(Service::Users),
        "guilds" => {
            // Guild-wide message search and active threads are chat's; the rest of a guild is
            // the guilds service's.
            let third = rest.trim_start_matches('/').split('/').nth(2).unwrap_or("");
            Some(match third {
                "messages" | "threads" => Service::Chat,
                "voice-states" => Service::Voice,
                _ => Service::Guilds,
            })
        }
        "invites" => Some(Service::Guilds),
        "presence" => Some(Service::Presence),
        "voice" | "stage-instances" => Some(Service::Voice),
        "gateway" => Some(Service::Gateway),
        "channels" => {
            // Messages, pins, typing, threads and thread members are chat's; the channel
            // itself (threads too), its invites and permission overwrites the guilds service's.
            let third = rest.trim_start_matches('/').split('/').nth(2).unwrap_or("");
            let chat = matches!(
                third,
                "messages" | "pins" | "typing" | "threads" | "thread-members" | "users" | "read-receipts"
            );
            Some(match third {
                "call" => Service::Voice,
                _ if chat => Service::Chat,
                _ => Service::Guilds,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mounted_route_belongs_to_the_service_that_mounts_it() {
        let table = [
            ("/api/v10/auth/login", Service::Auth),
            ("/api/v10/applications/@me", Service::Auth),
            ("/api/v10/applications/1/bot/reset-token", Service::Auth),
            ("/api/v10/oauth2/applications/@me", Service::Auth),
            ("/api/v10/users/@me/guilds/1", Service::Guilds),
            ("/api/v10/users/@me/guilds", Service::Guilds),
            ("/api/v10/users/@me", Service::Users),
            ("/api/v10/users/@me/channels", Service::Users),
            ("/api/v10/users/@me/relationships/1", Service::Users),
            ("/api/v10/channels/1/recipients/2", Service::Guilds),
            ("/api/v10/channels/1/read-receipts", Service::Chat),
            ("/api/v10/presence/update", Service::Presence),
            ("/api/v10/presence/guild/1", Service::Presence),
            ("/api/v10/voice/join", Service::Voice),
            ("/api/v10/voice/ice-servers", Service::Voice),
            ("/voice/ws", Service::Voice),
            ("/api/v10/stage-instances/1", Service::Voice),
            ("/api/v10/channels/1/call/ring", Service::Voice),
            ("/api/v10/guilds/1/voice-states/@me", Service::Voice),
            ("/api/v10/users/@me/settings", Service::Users),
            ("/api/v10/users/1/profile", Service::Users),
            ("/api/v10/guilds", Service::Guilds),
            ("/api/v10/guilds/1/members/@me", Service::Guilds),
            ("/api/v10/invites/abc", Service::Guilds),
            ("/api/v10/channels/1", Service::Guilds),
            ("/api/v10/channels/1/invites", Service::Guilds),
            ("/api/v10/channels/1/permissions/2", Service::Guilds),
            ("/api/v10/channels/1/messages", Service::Chat),
            ("/api/v9/channels/1/messages/2", Service::Chat),
            ("/api/channels/1/typing", Service::Chat),
            ("/api/v10/channels/1/pins/2", Service::Chat),
            ("/api/v10/channels/1/messages/2/reactions/x/@me", Service::Chat),
            ("/api/v10/guilds/1/messages/search", Service::Chat),
            ("/api/v10/guilds/1/threads/active", Service::Chat),
            ("/api/v10/channels/1/threads", Service::Chat),
            ("/api/v10/channels/1/threads/archived/public", Service::Chat),
            ("/api/v10/channels/1/thread-members/@me", Service::Chat),
            ("/api/v10/channels/1/users/@me/threads/archived/private", Service::Chat),
            ("/attachments/1/2/a.png", Service::Media),
            ("/avatars/1/0123456789abcdef0123456789abcdef.png", Service::Media),
            ("/icons/1/0123456789abcdef0123456789abcdef.png", Service::Media),
            ("/emojis/1.png", Service::Media),
            ("/api/v10/gateway/bot", Service::Gateway),
            ("/gateway/", Service::Gateway),
            ("/", Service::Gateway),
        ];
        for (path, service) in table {
            assert_eq!(service_of(path), Some(service), "{path}");
        }
        assert_eq!(service_of("/api/v10/nothing"), None);
        assert_eq!(service_of("/api/v100/users/@me"), None);
        assert_eq!(service_of("/health"), None);
    }

    #[test]
    fn service_names_parse_back() {
        for service in Service::ALL {
            assert_eq!(service.name().parse::<Service>(), Ok(service));
        }
        assert!("everything".parse::<Service>().is_err());
    }
}
