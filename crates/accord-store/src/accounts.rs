//! Accounts, login sessions with their refresh-token families, and applications with bots.

use accord_core::Snowflake;

use crate::{ApplicationRecord, Credentials, EventDraft, RefreshRecord, SessionRecord, StoreResult, UserRecord};

#[async_trait::async_trait]
pub trait AccountStore {
    /// Creates a user with an optional password hash (none for bots).
    /// `Conflict("username")` or `Conflict("email")` when taken (case-insensitive).
    async fn create_user(&self, user: &UserRecord, password_hash: Option<&str>) -> StoreResult<()>;

    /// The user whose username or email equals `login` case-insensitively, with the password
    /// hash; none for unknown users and for users without a password.
    async fn credentials_by_login(&self, login: &str) -> StoreResult<Option<Credentials>>;

    async fn user(&self, id: Snowflake) -> StoreResult<Option<UserRecord>>;

    /// The users among `ids` that exist, in any order.
    async fn users(&self, ids: &[Snowflake]) -> StoreResult<Vec<UserRecord>>;

    /// Replaces the username, global name and avatar of an existing user (other fields are
    /// kept) and writes `events` with the change. Returns false, writing nothing, when there
    /// is no such user; `Conflict("username")`, writing nothing, when another user has the
    /// username (case-insensitive).
    async fn update_user(&self, user: &UserRecord, events: &[EventDraft]) -> StoreResult<bool>;

    /// Starts a session with its first refresh token.
    async fn create_session(&self, session: &SessionRecord, refresh: &RefreshRecord) -> StoreResult<()>;

    /// The session, revoked or not.
    async fn session(&self, id: Snowflake) -> StoreResult<Option<SessionRecord>>;

    /// Revokes a session (logout, or refresh-token reuse): its tokens stop working.
    async fn revoke_session(&self, id: Snowflake) -> StoreResult<()>;

    async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshRecord>>;

    /// Atomically marks `old_hash` rotated at `now_ms` and stores `successor`, only if `old_hash`
    /// was still live. Returns false (and stores nothing) when it had already been rotated,
    /// so two concurrent rotations cannot both succeed.
    async fn rotate_refresh_token(&self, old_hash: &str, successor: &RefreshRecord, now_ms: u64) -> StoreResult<bool>;

    /// Counts one more replay of a rotated token and returns the new count.
    async fn count_refresh_replay(&self, token_hash: &str) -> StoreResult<u32>;

    /// Creates an application and its bot user together.
    async fn create_application(&self, app: &ApplicationRecord, bot: &UserRecord) -> StoreResult<()>;

    async fn application(&self, id: Snowflake) -> StoreResult<Option<ApplicationRecord>>;

    async fn application_by_bot(&self, bot_user_id: Snowflake) -> StoreResult<Option<ApplicationRecord>>;

    /// Increments a bot's token generation (revoking its tokens) and returns the new one.
    async fn bump_token_generation(&self, bot_user_id: Snowflake) -> StoreResult<u64>;

    /// Users whose username or global name starts with `prefix` (ignoring case; SQLite ignores only ASCII case), by
    /// ascending id after `after`, at most `limit`.
    async fn search_users(&self, prefix: &str, after: Option<Snowflake>, limit: u32) -> StoreResult<Vec<UserRecord>>;
}
