//! Authentication of every request. `Authorization: Bot <t>` is a bot token; `Bearer <t>` or
//! a bare token is a user's access token, valid only while its session is live. A request
//! without the header goes on anonymously (routes that need a caller answer 401); a header
//! that does not authenticate is 401 at once.

use accord_core::Snowflake;
use accord_service::{ApiError, Principal, PrincipalKind, ServiceContext};
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn authenticate(State(ctx): State<ServiceContext>, mut req: Request, next: Next) -> Response {
    let Some(header) = req.headers().get(AUTHORIZATION) else {
        return next.run(req).await;
    };
    let principal = match header.to_str() {
        Ok(value) if value.len() <= 4096 => principal_of(&ctx, value.trim()).await,
        _ => Err(ApiError::unauthorized()),
    };
    match principal {
        Ok(p) => {
            req.extensions_mut().insert(p);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

async fn principal_of(ctx: &ServiceContext, value: &str) -> Result<Principal, ApiError> {
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
