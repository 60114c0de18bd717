//! The error-code table: every error a client can see has one row here, giving its Discord JSON
//! code, its HTTP status, a machine name and the human message. Area error enums implement
//! [`ErrorCode`] to pick their row; one `IntoResponse` (in `accord-service`) renders them.

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// Discord's JSON error code (`code` in the body).
    pub number: u32,
    /// HTTP status.
    pub status: u16,
    /// Machine-readable name (`error` in the body).
    pub name: &'static str,
    /// Human message (`message` in the body).
    pub message: &'static str,
}

/// An error that knows its row in the table, and optionally Discord's nested `errors` object.
pub trait ErrorCode: std::error::Error {
    fn code(&self) -> &'static Code;

    /// Field errors in Discord's `{"field": {"_errors": [{code, message}]}}` shape.
    fn field_errors(&self) -> Option<serde_json::Value> {
        None
    }

    /// For 429s: seconds until the action is allowed again.
    fn retry_after(&self) -> Option<f64> {
        None
    }
}

macro_rules! codes {
    ($($ident:ident = $number:literal, $status:literal, $name:literal, $message:literal;)*) => {
        $(pub const $ident: Code = Code { number: $number, status: $status, name: $name, message: $message };)*
        /// Every row, for tests that check the table is consistent.
        pub const ALL: &[Code] = &[$($ident),*];
    };
}

codes! {
    NOT_FOUND = 0, 404, "not_found", "404: Not Found";
    UNKNOWN_CALL = 0, 404, "unknown_call", "No call is running in this channel";
    METHOD_NOT_ALLOWED = 0, 405, "method_not_allowed", "405: Method Not Allowed";
    INTERNAL = 0, 500, "internal_error", "Internal Server Error";
    SERVICE_UNAVAILABLE = 0, 503, "service_unavailable", "Service Unavailable";
    RATE_LIMITED = 0, 429, "rate_limited", "You are being rate limited.";
    UNKNOWN_ACCOUNT = 10001, 404, "unknown_account", "Unknown Account";
    UNKNOWN_APPLICATION = 10002, 404, "unknown_application", "Unknown Application";
    UNKNOWN_CHANNEL = 10003, 404, "unknown_channel", "Unknown Channel";
    UNKNOWN_GUILD = 10004, 404, "unknown_guild", "Unknown Guild";
    UNKNOWN_INVITE = 10006, 404, "unknown_invite", "Unknown Invite";
    UNKNOWN_MEMBER = 10007, 404, "unknown_member", "Unknown Member";
    UNKNOWN_MESSAGE = 10008, 404, "unknown_message", "Unknown Message";
    UNKNOWN_OVERWRITE = 10009, 404, "unknown_overwrite", "Unknown Permission Overwrite";
    UNKNOWN_ROLE = 10011, 404, "unknown_role", "Unknown Role";
    UNKNOWN_BAN = 10026, 404, "unknown_ban", "Unknown Ban";
    UNKNOWN_VOICE_STATE = 10065, 404, "unknown_voice_state", "Unknown Voice State";
    UNKNOWN_STAGE_INSTANCE = 10067, 404, "unknown_stage_instance", "Unknown Stage Instance";
    STAGE_ALREADY_OPEN = 150006, 400, "stage_already_open", "Stage already has an associated stage instance";
    UNKNOWN_USER = 10013, 404, "unknown_user", "Unknown User";
    UNKNOWN_EMOJI = 10014, 400, "unknown_emoji", "Unknown Emoji";
    EMOJI_NOT_FOUND = 10014, 404, "emoji_not_found", "Unknown Emoji";
    BOTS_CANNOT_USE = 20001, 403, "bots_cannot_use", "Bots cannot use this endpoint";
    SLOWMODE = 20016, 429, "slowmode", "This action cannot be performed due to slowmode rate limit.";
    MAX_GUILDS = 30001, 400, "max_guilds", "Maximum number of guilds reached (100)";
    MAX_FRIENDS = 30002, 400, "max_friends", "Maximum number of friends reached (1000)";
    MAX_PINS = 30003, 400, "max_pins", "Maximum number of pins reached for the channel (50)";
    MAX_ROLES = 30005, 400, "max_roles", "Maximum number of guild roles reached (250)";
    MAX_CHANNELS = 30013, 400, "max_channels", "Maximum number of guild channels reached (500)";
    MAX_REACTIONS = 30010, 400, "max_reactions", "Maximum number of reactions reached (20)";
    MAX_EMOJIS = 30008, 400, "max_emojis", "Maximum number of emojis reached";
    VOICE_CHANNEL_FULL = 30060, 400, "voice_channel_full", "Maximum number of users in this voice channel reached";
    MAX_INVITES = 30016, 400, "max_invites", "Maximum number of invites reached (1000)";
    UNAUTHORIZED = 40001, 401, "unauthorized", "401: Unauthorized";
    INVALID_CREDENTIALS = 40001, 401, "invalid_credentials", "Login or password is invalid.";
    INVALID_REFRESH_TOKEN = 40001, 401, "invalid_refresh_token", "Invalid or expired refresh token.";
    TARGET_NOT_IN_VOICE = 40032, 400, "target_not_in_voice", "Target user is not connected to voice.";
    BANNED = 40007, 403, "banned", "The user is banned from this guild.";
    PAYLOAD_TOO_LARGE = 40005, 413, "payload_too_large", "Request entity too large";
    MISSING_ACCESS = 50001, 403, "missing_access", "Missing Access";
    DM_CHANNEL_ACTION = 50003, 400, "dm_channel_action", "Cannot execute action on a DM channel";
    CANNOT_EDIT_OTHERS_MESSAGE = 50005, 403, "cannot_edit_others_message", "Cannot edit a message authored by another user";
    EMPTY_MESSAGE = 50006, 400, "empty_message", "Cannot send an empty message";
    CANNOT_MESSAGE_USER = 50007, 403, "cannot_message_user", "Cannot send messages to this user";
    NON_TEXT_CHANNEL = 50008, 400, "non_text_channel", "Cannot send messages in a non-text channel";
    MISSING_PERMISSIONS = 50013, 403, "missing_permissions", "Missing Permissions";
    BULK_DELETE_COUNT = 50016, 400, "bulk_delete_count", "Provided too few or too many messages to delete. Must provide at least 2 and fewer than 100 messages to delete.";
    BULK_DELETE_TOO_OLD = 50034, 400, "bulk_delete_too_old", "A message provided was too old to bulk delete";
    WRONG_CHANNEL_TYPE = 50024, 400, "wrong_channel_type", "Cannot execute action on this channel type";
    INVALID_FORM_BODY = 50035, 400, "invalid_form_body", "Invalid Form Body";
    USERNAME_TAKEN = 50035, 400, "username_taken", "Invalid Form Body";
    WEAK_PASSWORD = 50035, 400, "weak_password", "Invalid Form Body";
    UNSUPPORTED_CONTENT_TYPE = 50035, 415, "unsupported_content_type", "Content-Type must be application/json";
    GROUP_DM_FULL = 50035, 400, "group_dm_full", "Invalid Form Body: a group DM holds at most 11 people";
    INVALID_ROLE = 50028, 400, "invalid_role", "Invalid Role";
    OWNER_CANNOT_LEAVE = 50055, 400, "owner_cannot_leave", "Invalid Guild: the owner cannot leave their guild";
    THREAD_ARCHIVED = 50083, 400, "thread_archived", "Operation cannot be performed on an archived thread";
    INVALID_JSON = 50109, 400, "invalid_json", "The request body contains invalid JSON.";
    FRIEND_REQUESTS_DISABLED = 80000, 403, "friend_requests_disabled", "Incoming friend requests disabled.";
    FRIEND_REQUEST_BLOCKED = 80001, 403, "friend_request_blocked", "Friend request blocked.";
    BOTS_CANNOT_HAVE_FRIENDS = 80002, 400, "bots_cannot_have_friends", "Bots cannot have friends.";
    CANNOT_FRIEND_SELF = 80003, 400, "cannot_friend_self", "Cannot send friend request to self.";
    NO_SUCH_USERNAME = 80004, 400, "no_such_username", "No users with that username exist.";
    ALREADY_FRIENDS = 80007, 400, "already_friends", "You are already friends with that user.";
    THREAD_ALREADY_CREATED = 160004, 400, "thread_already_created", "A thread has already been created for this message";
    THREAD_LOCKED = 160005, 400, "thread_locked", "Thread is locked";
    UNKNOWN_SESSION = 10020, 404, "unknown_session", "Unknown Session";
    OWNS_GUILDS = 40011, 400, "owns_guilds", "You must transfer ownership of any owned guilds before deleting your account";
    TWO_FACTOR_REQUIRED = 60003, 400, "two_factor_required", "Two factor is required for this operation";
    INVALID_TWO_FACTOR_CODE = 60008, 400, "invalid_two_factor_code", "Invalid two-factor code";
    INVALID_MFA_TICKET = 60008, 400, "invalid_mfa_ticket", "Invalid two-factor auth ticket";
    INVALID_ONE_TIME_TOKEN = 50035, 400, "invalid_one_time_token", "Invalid Form Body";
    PASSWORD_MISMATCH = 50035, 400, "password_mismatch", "Invalid Form Body";
    NO_EMAIL = 50035, 400, "no_email", "Invalid Form Body";
    MFA_ALREADY_ENABLED = 50035, 400, "mfa_already_enabled", "Invalid Form Body";
    MFA_NOT_ENABLED = 50035, 400, "mfa_not_enabled", "Invalid Form Body";
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_unique_and_statuses_are_errors() {
        let mut names: Vec<_> = super::ALL.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), super::ALL.len());
        assert!(super::ALL.iter().all(|c| (400..600).contains(&c.status)));
    }
}
