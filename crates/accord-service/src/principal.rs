//! Who is calling. The edge authenticates every request and stores a [`Principal`] in the
//! request's extensions; handlers take [`Caller`] to require one.

use accord_core::Snowflake;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::{ApiError, ServiceContext};

/// An authenticated caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Snowflake,
    pub kind: PrincipalKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// A person, through a login session's access token.
    User { session_id: Snowflake },
    /// A bot, through its bot token.
    Bot,
}

impl Principal {
    pub fn is_bot(&self) -> bool {
        self.kind == PrincipalKind::Bot
    }
}

/// Extractor that requires an authenticated caller (401 otherwise).
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Principal>().copied().map(Caller).ok_or_else(ApiError::unauthorized)
    }
}

/// Resolves an `Authorization` value (`Bot <t>`, `Bearer <t>` or a bare access token) to
/// its principal; 401 when it does not authenticate.
pub async fn authenticate(ctx: &ServiceContext, value: &str) -> Result<Principal, ApiError> {
    if let Some(token) = value.strip_prefix("Bot ") {
        return bot(ctx, token.trim()).await;
    }
    let token = value.strip_prefix("Bearer ").unwrap_or(value).trim();
    let claims = ctx.tokens.verify_access(token).map_err(|_| ApiError::unauthorized())?;
    let (Some(user_id), Some(session_id)) = (claims.user_id(), claims.session_id()) else {
        return Err(ApiError::unauthorized());
    };
    let session = ctx.store.session(session_id).await?;
    if !session.is_some_and(|s| !s.revoked && s.user_id == user_id) {
        return Err(ApiError::unauthorized());
    }
    Ok(Principal { user_id, kind: PrincipalKind::User { session_id } })
}

async fn bot(ctx: &ServiceContext, token: &str) -> Result<Principal, ApiError> {
    let (user_id, generation): (Snowflake, u64) = ctx.tokens.verify_bot(token).map_err(|_| ApiError::unauthorized())?;
    let user = ctx.store.user(user_id).await?;
    if !user.is_some_and(|u| u.bot && u.token_generation == generation) {
        return Err(ApiError::unauthorized());
    }
    Ok(Principal { user_id, kind: PrincipalKind::Bot })
}
