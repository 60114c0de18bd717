//! Gateway intents: which bits exist, which are privileged, and which intent each event needs.

/// Intent bits.
pub const GUILDS: u64 = 1 << 0;
pub const GUILD_MEMBERS: u64 = 1 << 1;
pub const GUILD_MODERATION: u64 = 1 << 2;
pub const GUILD_EXPRESSIONS: u64 = 1 << 3;
pub const GUILD_INVITES: u64 = 1 << 6;
pub const GUILD_VOICE_STATES: u64 = 1 << 7;
pub const GUILD_PRESENCES: u64 = 1 << 8;
pub const GUILD_MESSAGES: u64 = 1 << 9;
pub const GUILD_MESSAGE_REACTIONS: u64 = 1 << 10;
pub const GUILD_MESSAGE_TYPING: u64 = 1 << 11;
pub const DIRECT_MESSAGES: u64 = 1 << 12;
pub const DIRECT_MESSAGE_REACTIONS: u64 = 1 << 13;
pub const DIRECT_MESSAGE_TYPING: u64 = 1 << 14;
pub const MESSAGE_CONTENT: u64 = 1 << 15;

/// Every bit Discord defines; anything else closes with 4013.
pub const KNOWN: u64 = 0x1FFFF | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25);

/// Intents a bot may use only when its application's flags grant them.
pub const PRIVILEGED: u64 = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT;

/// Application flags that grant each privileged intent (full or limited).
const GRANTS: [(u64, u64); 3] = [
    (GUILD_PRESENCES, (1 << 12) | (1 << 13)),
    (GUILD_MEMBERS, (1 << 14) | (1 << 15)),
    (MESSAGE_CONTENT, (1 << 18) | (1 << 19)),
];

/// Whether a bot with `app_flags` may ask for `intents`.
pub fn allowed_for_bot(intents: u64, app_flags: u64) -> bool {
    GRANTS.iter().all(|(intent, grant)| intents & intent == 0 || app_flags & grant != 0)
}

/// The intent an event needs, or none when every session gets it. `in_guild` tells guild
/// events from direct-message ones.
pub fn required(event: &str, in_guild: bool) -> Option<u64> {
    let pick = |guild, direct| Some(if in_guild { guild } else { direct });
    match event {
        "GUILD_CREATE"
        | "GUILD_UPDATE"
        | "GUILD_DELETE"
        | "GUILD_ROLE_CREATE"
        | "GUILD_ROLE_UPDATE"
        | "GUILD_ROLE_DELETE"
        | "CHANNEL_CREATE"
        | "CHANNEL_UPDATE"
        | "CHANNEL_DELETE"
        | "CHANNEL_PINS_UPDATE"
        | "THREAD_CREATE"
        | "THREAD_UPDATE"
        | "THREAD_DELETE"
        | "THREAD_LIST_SYNC"
        | "THREAD_MEMBER_UPDATE"
        | "STAGE_INSTANCE_CREATE"
        | "STAGE_INSTANCE_UPDATE"
        | "STAGE_INSTANCE_DELETE" => {
            if in_guild {
                Some(GUILDS)
            } else {
                None
            }
        }
        "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE" | "GUILD_MEMBER_REMOVE" | "THREAD_MEMBERS_UPDATE" => {
            Some(GUILD_MEMBERS)
        }
        "GUILD_BAN_ADD" | "GUILD_BAN_REMOVE" | "GUILD_AUDIT_LOG_ENTRY_CREATE" => Some(GUILD_MODERATION),
        "GUILD_EMOJIS_UPDATE" | "GUILD_STICKERS_UPDATE" => Some(GUILD_EXPRESSIONS),
        "INVITE_CREATE" | "INVITE_DELETE" => Some(GUILD_INVITES),
        // A call's voice states (DMs, group DMs) reach its recipients whatever their intents.
        "VOICE_STATE_UPDATE" => in_guild.then_some(GUILD_VOICE_STATES),
        "PRESENCE_UPDATE" => Some(GUILD_PRESENCES),
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" | "MESSAGE_DELETE" | "MESSAGE_DELETE_BULK" => {
            pick(GUILD_MESSAGES, DIRECT_MESSAGES)
        }
        "MESSAGE_REACTION_ADD"
        | "MESSAGE_REACTION_REMOVE"
        | "MESSAGE_REACTION_REMOVE_ALL"
        | "MESSAGE_REACTION_REMOVE_EMOJI" => pick(GUILD_MESSAGE_REACTIONS, DIRECT_MESSAGE_REACTIONS),
        "TYPING_START" => pick(GUILD_MESSAGE_TYPING, DIRECT_MESSAGE_TYPING),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_map_to_their_intents() {
        assert_eq!(required("MESSAGE_CREATE", true), Some(GUILD_MESSAGES));
        assert_eq!(required("MESSAGE_CREATE", false), Some(DIRECT_MESSAGES));
        assert_eq!(required("GUILD_CREATE", true), Some(GUILDS));
        assert_eq!(required("READY", false), None);
        assert_eq!(required("TYPING_START", true), Some(GUILD_MESSAGE_TYPING));
    }

    #[test]
    fn privileged_intents_need_their_grants() {
        assert!(allowed_for_bot(GUILDS | GUILD_MESSAGES, 0));
        assert!(!allowed_for_bot(MESSAGE_CONTENT, 0));
        assert!(allowed_for_bot(MESSAGE_CONTENT, 1 << 19));
        assert!(!allowed_for_bot(GUILD_MEMBERS | GUILD_PRESENCES, 1 << 14));
        assert_eq!(KNOWN & (1 << 17), 0);
        assert_ne!(KNOWN & (1 << 24), 0);
    }
}
