//! `/users/@me` and `/users/{id}`.

use accord_api::user::{CurrentUser, User};
use accord_core::{Snowflake, code};
use accord_service::extract::Path;
use accord_service::{ApiError, ApiResult, Caller, ServiceContext, render};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<ServiceContext> {
    Router::new().route("/users/@me", get(me)).route("/users/{user_id}", get(user))
}

/// `GET /users/@me`
async fn me(State(ctx): State<ServiceContext>, Caller(caller): Caller) -> ApiResult<Json<CurrentUser>> {
    let user = ctx.store.user(caller.user_id).await?.ok_or_else(ApiError::unauthorized)?;
    Ok(Json(render::current_user(&user)))
}

/// `GET /users/{user.id}` — public fields only.
async fn user(
    State(ctx): State<ServiceContext>,
    Caller(_): Caller,
    Path(user_id): Path<Snowflake>,
) -> ApiResult<Json<User>> {
    let user = ctx.store.user(user_id).await?.ok_or_else(|| ApiError::new(&code::UNKNOWN_USER))?;
    Ok(Json(render::user(&user)))
}
