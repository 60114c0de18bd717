//! Deleting one's account. The account keeps its id, so its messages stay and show a
//! deleted user; everything that identified or tied it goes: its name and email are freed,
//! its password and second factor dropped, its sessions ended (gateways close them), its
//! guild memberships, relationships and settings removed.

use accord_core::Snowflake;
use accord_service::extract::Json;
use accord_service::{ApiResult, Caller};
use accord_store::UserRecord;
use accord_store::security::{AccountDeletion, DeletionOutcome};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::error::AuthError;
use crate::routes::accounts::session_of;
use crate::{AuthState, events};

/// How often memberships may change under a deletion before it gives up (503).
const ATTEMPTS: usize = 3;

/// The display name a deleted account shows.
pub const DELETED_NAME: &str = "Deleted User";

/// The username a deleted account gets: unique by its id, outside what registration allows.
pub fn deleted_username(id: Snowflake) -> String {
    format!("deleted_user_{:x}", id.get())
}

#[derive(Debug, Deserialize)]
pub struct DeleteBody {
    password: String,
    /// A TOTP or recovery code, required when two-factor authentication is on.
    #[serde(default)]
    code: Option<String>,
}

/// `POST /auth/delete-account` — with the password (and a code when TOTP is on). An owner of
/// guilds must transfer or delete them first (40011).
pub async fn delete_account(
    State(state): State<AuthState>,
    Caller(caller): Caller,
    Json(body): Json<DeleteBody>,
) -> ApiResult<StatusCode> {
    session_of(&caller)?;
    let user_id = caller.user_id;
    state.check_password(user_id, &body.password).await?;
    if state.owned_guild(user_id).await? {
        return Err(AuthError::OwnsGuilds.into());
    }
    state.check_second_factor(user_id, body.code.as_deref()).await?;
    let store = &state.ctx.store;
    let user = store.user(user_id).await.map_err(AuthError::from)?;
    let user = user.ok_or_else(accord_service::ApiError::unauthorized)?;
    let deleted = UserRecord {
        username: deleted_username(user.id),
        global_name: Some(DELETED_NAME.to_owned()),
        email: None,
        avatar: None,
        verified: false,
        mfa_enabled: false,
        ..user
    };
    for _ in 0..ATTEMPTS {
        let guild_ids = state.guild_ids(user_id).await?;
        let mut drafts: Vec<_> = guild_ids.iter().map(|g| events::member_remove(&state.ctx, *g, &deleted)).collect();
        let relationships = store.relationships(user_id).await.map_err(AuthError::from)?;
        drafts.extend(relationships.iter().filter_map(|r| events::relationship_remove(&state.ctx, user_id, r)));
        let deletion = AccountDeletion {
            user_id,
            username: deleted.username.clone(),
            global_name: DELETED_NAME.to_owned(),
            guild_ids,
            revocation_event_id: state.ctx.next_id(),
        };
        match store.delete_account(&deletion, &drafts).await.map_err(AuthError::from)? {
            DeletionOutcome::Deleted { revoked } => {
                state.ctx.events_committed();
                tracing::info!(%user_id, sessions = revoked.len(), "account deleted");
                return Ok(StatusCode::NO_CONTENT);
            }
            DeletionOutcome::OwnsGuilds => return Err(AuthError::OwnsGuilds.into()),
            DeletionOutcome::UnknownUser => return Err(accord_service::ApiError::unauthorized()),
            DeletionOutcome::MembershipsChanged => continue,
        }
    }
    tracing::warn!(%user_id, "account deletion gave up: memberships kept changing");
    Err(accord_service::ApiError::new(&accord_core::code::SERVICE_UNAVAILABLE))
}

impl AuthState {
    /// Every guild the user is a member of.
    async fn guild_ids(&self, user_id: Snowflake) -> Result<Vec<Snowflake>, AuthError> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self.ctx.store.guilds_of_user(user_id, after, 200).await?;
            after = page.last().map(|g| g.id);
            out.extend(page.iter().map(|g| g.id));
            if page.len() < 200 {
                return Ok(out);
            }
        }
    }

    /// Whether the user owns a guild.
    async fn owned_guild(&self, user_id: Snowflake) -> Result<bool, AuthError> {
        let mut after = None;
        loop {
            let page = self.ctx.store.guilds_of_user(user_id, after, 200).await?;
            if page.iter().any(|g| g.owner_id == user_id) {
                return Ok(true);
            }
            after = page.last().map(|g| g.id);
            if page.len() < 200 {
                return Ok(false);
            }
        }
    }
}
