//! One user's sessions on this node and what they make together: each session's status,
//! activities and platform, the user's custom status (from their settings), and idleness:
//! a person's session that sends nothing but heartbeats for a while shows idle until it
//! does something again.

use std::time::{Duration, Instant};

use accord_api::settings::{CustomStatus, UserSettings};
use accord_core::time::{now_ms, parse_timestamp};
use accord_core::vec_map::VecMap;
use accord_service::presence::{Presence, combine};
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct SessionPresence {
    pub status: String,
    pub activities: Vec<Value>,
    pub platform: &'static str,
    /// Bots never go idle on their own.
    pub bot: bool,
    pub last_active: Instant,
}

#[derive(Debug, Clone, Default)]
pub struct UserSessions {
    pub sessions: VecMap<String, SessionPresence>,
    /// The custom status as an activity (type 4), and when it ends (Unix ms).
    custom: Option<(Value, Option<u64>)>,
    /// The status the user last chose in their settings.
    chosen: Option<String>,
    /// What this node last wrote to the shared state for the user.
    pub held: Option<Presence>,
}

impl UserSessions {
    /// Takes the user's custom status from their settings.
    pub fn apply_settings(&mut self, settings: &UserSettings) {
        self.custom = settings.custom_status.as_ref().and_then(custom_activity);
        self.chosen.get_or_insert_with(|| settings.status.clone());
    }

    /// Records the status chosen in the settings; true when it differs from the last choice
    /// (so every session takes it).
    pub fn choose(&mut self, status: &str) -> bool {
        let changed = self.chosen.as_deref() != Some(status);
        self.chosen = Some(status.to_owned());
        changed
    }

    /// What this node holds about the user at `now`: its sessions combined (idle where a
    /// person has been inactive for `idle_after`), with the custom status while it lasts.
    pub fn presence(&self, now: Instant, idle_after: Duration) -> Presence {
        let shown: Vec<Presence> = self
            .sessions
            .values()
            .map(|s| {
                let inactive = !s.bot && s.status == "online" && now.duration_since(s.last_active) >= idle_after;
                Presence::on(s.platform, if inactive { "idle" } else { &s.status }, s.activities.clone())
            })
            .collect();
        let mut combined = combine(&shown);
        if let Some((activity, ends)) = &self.custom
            && ends.is_none_or(|end| end > now_ms())
        {
            combined.activities.insert(0, activity.clone());
        }
        combined
    }
}

/// A custom status as Discord shows it: an activity of type 4 named "Custom Status".
fn custom_activity(custom: &CustomStatus) -> Option<(Value, Option<u64>)> {
    if custom.text.is_none() && custom.emoji_name.is_none() {
        return None;
    }
    let ends = custom.expires_at.as_deref().and_then(parse_timestamp);
    let mut activity = json!({ "type": 4, "name": "Custom Status", "state": custom.text });
    if let Some(name) = &custom.emoji_name {
        activity["emoji"] = json!({ "name": name, "id": custom.emoji_id });
    }
    Some((activity, ends))
}

/// The platform a session's identify properties describe, as Discord's `client_status` names it.
pub fn platform(properties: Option<&Value>) -> &'static str {
    let field =
        |key: &str| properties.and_then(|p| p.get(key).or_else(|| p.get(format!("${key}")))).and_then(Value::as_str);
    let os = field("os").unwrap_or_default().to_ascii_lowercase();
    let browser = field("browser").unwrap_or_default().to_ascii_lowercase();
    if ["android", "ios"].contains(&os.as_str()) {
        "mobile"
    } else if ["chrome", "firefox", "safari", "edge", "opera", "chromium"].iter().any(|b| browser.contains(b)) {
        "web"
    } else {
        "desktop"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(status: &str, bot: bool, idle_for: Duration) -> SessionPresence {
        let last_active = Instant::now().checked_sub(idle_for).unwrap_or_else(Instant::now);
        SessionPresence { status: status.into(), activities: Vec::new(), platform: "web", bot, last_active }
    }

    #[test]
    fn an_inactive_person_shows_idle_but_an_inactive_bot_does_not() {
        let idle_after = Duration::from_secs(600);
        let mut user = UserSessions::default();
        user.sessions.insert("a".into(), session("online", false, Duration::from_secs(700)));
        let mut bot = UserSessions::default();
        bot.sessions.insert("b".into(), session("online", true, Duration::from_secs(700)));

        assert_eq!(user.presence(Instant::now(), idle_after).status, "idle");
        assert_eq!(bot.presence(Instant::now(), idle_after).status, "online");
        user.sessions.insert("c".into(), session("online", false, Duration::ZERO));
        assert_eq!(user.presence(Instant::now(), idle_after).status, "online", "active on another device");
    }

    #[test]
    fn a_custom_status_shows_until_it_expires() {
        let mut user = UserSessions::default();
        user.sessions.insert("a".into(), session("dnd", false, Duration::ZERO));
        let custom = CustomStatus { text: Some("focus".into()), emoji_id: None, emoji_name: None, expires_at: None };
        let mut settings = UserSettings { custom_status: Some(custom), ..UserSettings::default() };
        user.apply_settings(&settings);
        let shown = user.presence(Instant::now(), Duration::from_secs(600));
        assert_eq!(shown.activities[0]["state"], "focus");
        assert_eq!(shown.activities[0]["type"], 4);

        settings.custom_status.as_mut().unwrap().expires_at = Some(accord_core::time::format_timestamp(1_000));
        user.apply_settings(&settings);
        assert!(user.presence(Instant::now(), Duration::from_secs(600)).activities.is_empty());
    }

    #[test]
    fn identify_properties_name_the_platform() {
        assert_eq!(platform(Some(&json!({ "os": "linux", "browser": "discord.py" }))), "desktop");
        assert_eq!(platform(Some(&json!({ "os": "Windows", "browser": "Chrome" }))), "web");
        assert_eq!(platform(Some(&json!({ "$os": "android" }))), "mobile");
        assert_eq!(platform(None), "desktop");
    }
}
