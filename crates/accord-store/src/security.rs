//! Account security: one-time emailed tokens (email verification, password reset), the
//! verified flag, listing and revoking a user's sessions, password changes, TOTP two-factor
//! authentication with single-use recovery codes, and account deletion.
//!
//! Revoking sessions also writes a [`SESSIONS_REVOKED`] event in the same transaction, naming
//! the sessions it ended: gateways close the WebSocket sessions those logins opened. It is
//! internal (never dispatched to clients as such), addressed to the user's topic.

use accord_core::Snowflake;
use serde::{Deserialize, Serialize};

use crate::{EventDraft, StoreResult};

/// The internal event telling gateways that login sessions ended.
pub const SESSIONS_REVOKED: &str = "SESSIONS_REVOKED";

/// The data of a [`SESSIONS_REVOKED`] event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsRevoked {
    /// The login (auth) sessions that were revoked.
    pub session_ids: Vec<Snowflake>,
}

impl SessionsRevoked {
    /// The event for `session_ids` of `user_id`, with id `event_id`.
    pub fn event(event_id: Snowflake, user_id: Snowflake, session_ids: Vec<Snowflake>) -> EventDraft {
        let data = serde_json::to_string(&SessionsRevoked { session_ids }).expect("ids serialise");
        EventDraft {
            id: event_id,
            name: SESSIONS_REVOKED.to_owned(),
            guild_id: None,
            channel_id: None,
            user_ids: vec![user_id],
            data,
        }
    }
}

/// What a one-time token is good for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    /// The value stored for it.
    pub fn as_u8(self) -> u8 {
        match self {
            TokenPurpose::VerifyEmail => 1,
            TokenPurpose::ResetPassword => 2,
        }
    }

    /// The purpose stored as `value`, if any.
    pub fn from_u8(value: u8) -> Option<Self> {
        match value {
            1 => Some(TokenPurpose::VerifyEmail),
            2 => Some(TokenPurpose::ResetPassword),
            _ => None,
        }
    }
}

/// A token sent by email, stored by its hash only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    /// SHA-256 hex of the token.
    pub token_hash: String,
    pub purpose: TokenPurpose,
    pub user_id: Snowflake,
    /// The address it was sent to: a verification counts only while the account still has it.
    pub email: String,
    pub created_ms: u64,
    /// It cannot be used at or after this time.
    pub expires_ms: u64,
}

/// A live login session as its owner sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveSession {
    pub id: Snowflake,
    pub created_ms: u64,
    /// When its newest refresh token was issued: at login or its last rotation.
    pub last_used_ms: u64,
}

/// Whose sessions end, which one stays, and the id of the event that announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revocation {
    pub user_id: Snowflake,
    /// The caller's own session, kept (a password change); none ends every session.
    pub keep: Option<Snowflake>,
    /// The id of the [`SESSIONS_REVOKED`] event, written only when a session was revoked.
    pub event_id: Snowflake,
}

/// A user's TOTP (RFC 6238) second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpRecord {
    pub user_id: Snowflake,
    /// The shared secret, base32 as the user's authenticator app has it.
    pub secret: String,
    /// The last 30-second step whose code was accepted: codes of it and earlier steps are refused.
    pub last_step: u64,
    pub enabled_ms: u64,
}

/// An account deletion: the account keeps its id (its messages stay) under a freed name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDeletion {
    pub user_id: Snowflake,
    /// The new, unique username (`deleted_user_<hex id>`).
    pub username: String,
    /// The new display name (`Deleted User`).
    pub global_name: String,
    /// The guilds the user was a member of when the caller looked: exactly these
    /// memberships end (the caller wrote their GUILD_MEMBER_REMOVE events).
    pub guild_ids: Vec<Snowflake>,
    /// The id of the [`SESSIONS_REVOKED`] event.
    pub revocation_event_id: Snowflake,
}

/// What [`SecurityStore::delete_account`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeletionOutcome {
    /// Deleted; these sessions were revoked.
    Deleted { revoked: Vec<Snowflake> },
    /// Nothing written: the user owns a guild.
    OwnsGuilds,
    /// Nothing written: their memberships are no longer `guild_ids` (read them again).
    MembershipsChanged,
    /// Nothing written: no such user (or a bot).
    UnknownUser,
}

#[async_trait::async_trait]
pub trait SecurityStore {
    /// Stores a one-time token, dropping the user's expired ones (as of its `created_ms`).
    async fn create_one_time_token(&self, token: &OneTimeToken) -> StoreResult<()>;

    /// The token with this hash and purpose, if it is unused and unexpired at `now_ms`
    /// (a look, not a use: see [`verify_email`](Self::verify_email) and
    /// [`reset_password`](Self::reset_password)).
    async fn one_time_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now_ms: u64,
    ) -> StoreResult<Option<OneTimeToken>>;

    /// Uses a verification token: deletes it and, if the account still has the address it
    /// was sent to, marks the email verified and writes `events`. Returns the user when it
    /// verified; none (changing nothing else) for an unknown, used or expired token.
    async fn verify_email(
        &self,
        token_hash: &str,
        now_ms: u64,
        events: &[EventDraft],
    ) -> StoreResult<Option<Snowflake>>;

    /// Uses a reset token: in one transaction deletes it (and the user's other reset
    /// tokens), sets `password_hash` and revokes every session of the token's user, with the
    /// [`SESSIONS_REVOKED`] event `event_id`. Returns the user and the revoked sessions;
    /// none, writing nothing, for an unknown, used or expired token.
    async fn reset_password(
        &self,
        token_hash: &str,
        now_ms: u64,
        password_hash: &str,
        event_id: Snowflake,
    ) -> StoreResult<Option<(Snowflake, Vec<Snowflake>)>>;

    /// The user's password hash; none for unknown users and users without a password.
    async fn password_hash(&self, user_id: Snowflake) -> StoreResult<Option<String>>;

    /// Sets the password of `revocation.user_id`, drops their reset tokens and revokes
    /// their sessions but `revocation.keep`, in one transaction. Returns the revoked sessions.
    async fn change_password(&self, password_hash: &str, revocation: &Revocation) -> StoreResult<Vec<Snowflake>>;

    /// Revokes the user's live sessions but `revocation.keep`; returns them.
    async fn revoke_sessions(&self, revocation: &Revocation) -> StoreResult<Vec<Snowflake>>;

    /// Revokes one live session of `user_id` with a [`SESSIONS_REVOKED`] event `event_id`;
    /// false, writing nothing, when it is not a live session of theirs.
    async fn revoke_user_session(
        &self,
        user_id: Snowflake,
        session_id: Snowflake,
        event_id: Snowflake,
    ) -> StoreResult<bool>;

    /// The user's unrevoked sessions created after `created_after_ms`, newest first.
    async fn live_sessions(&self, user_id: Snowflake, created_after_ms: u64) -> StoreResult<Vec<LiveSession>>;

    /// The user's TOTP factor, if enabled.
    async fn totp(&self, user_id: Snowflake) -> StoreResult<Option<TotpRecord>>;

    /// Enables TOTP with these recovery codes (SHA-256 hex, each usable once) and writes
    /// `events`; false, writing nothing, when it is already enabled.
    async fn enable_totp(
        &self,
        record: &TotpRecord,
        recovery_code_hashes: &[String],
        events: &[EventDraft],
    ) -> StoreResult<bool>;

    /// Disables TOTP, dropping its recovery codes, and writes `events`; false, writing
    /// nothing, when it was not enabled.
    async fn disable_totp(&self, user_id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;

    /// Records that the code of `step` was used: true only if `step` is later than the last
    /// used one (so a code is accepted once, even by concurrent requests).
    async fn use_totp_step(&self, user_id: Snowflake, step: u64) -> StoreResult<bool>;

    /// Uses an unused recovery code of the user: true once per code.
    async fn use_recovery_code(&self, user_id: Snowflake, code_hash: &str) -> StoreResult<bool>;

    /// Deletes an account in one transaction: checks it owns no guild and is a member of
    /// exactly `deletion.guild_ids`, revokes every session (its [`SESSIONS_REVOKED`] event
    /// first), ends those memberships, drops its relationships (except others' blocks of
    /// it), settings, tokens and second factor, renames it and clears its email, avatar and
    /// password, then writes `events`.
    async fn delete_account(&self, deletion: &AccountDeletion, events: &[EventDraft]) -> StoreResult<DeletionOutcome>;
}
