//! `/users/@me` (read and edit) and `/users/{id}`.

use accord_api::user::{CurrentUser, User};
use accord_core::{Snowflake, code};
use accord_files::keys;
use accord_service::extract::{Json, Path, nullable};
use accord_service::{ApiError, ApiResult, Caller, ServiceContext, render};
use axum::extract::State;
use serde::Deserialize;

use crate::error::from_user_write;
use crate::events;
use accord_core::names::{GlobalName, Username};

/// `GET /users/@me`
pub async fn me(State(ctx): State<ServiceContext>, Caller(caller): Caller) -> ApiResult<axum::Json<CurrentUser>> {
    let user = ctx.store.user(caller.user_id).await?.ok_or_else(ApiError::unauthorized)?;
    Ok(axum::Json(render::current_user(&user)))
}

/// The fields of `PATCH /users/@me`; absent ones are kept.
#[derive(Debug, Deserialize)]
pub struct ModifyCurrentUser {
    #[serde(default)]
    username: Option<String>,
    /// A display name, or null to show the username instead.
    #[serde(default, deserialize_with = "nullable")]
    global_name: Option<Option<String>>,
    /// A `data:image/...;base64,` URI, or null to clear the avatar.
    #[serde(default, deserialize_with = "nullable")]
    avatar: Option<Option<String>>,
}

/// `PATCH /users/@me` — the caller's username, display name and avatar (people and bots
/// alike). Sends USER_UPDATE to the caller and answers the current user object.
pub async fn modify(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Json(body): Json<ModifyCurrentUser>,
) -> ApiResult<axum::Json<CurrentUser>> {
    let current = ctx.store.user(caller.user_id).await?.ok_or_else(ApiError::unauthorized)?;
    let mut user = current.clone();
    if let Some(username) = body.username {
        user.username = Username::try_from(username)?.into();
    }
    if let Some(global_name) = body.global_name {
        user.global_name = global_name.map(GlobalName::try_from).transpose()?.map(String::from);
    }
    if let Some(avatar) = body.avatar {
        user.avatar = match avatar {
            Some(uri) => {
                let bytes = accord_files::parse_image_data_uri(&uri, accord_files::MAX_IMAGE_BYTES)
                    .map_err(|e| e.in_field("avatar"))?;
                let hash = accord_files::image_hash(&bytes);
                // The bytes go first: a user must never name an avatar that is not stored. A
                // failed update (a taken username) leaves an unreferenced blob, which is harmless.
                accord_files::store_image(ctx.blobs.as_ref(), keys::avatar(user.id, &hash), bytes)
                    .await
                    .map_err(|e| e.in_field("avatar"))?;
                Some(hash)
            }
            None => None,
        };
    }
    if user == current {
        // Nothing changes, so there is nothing to tell anyone.
        return Ok(axum::Json(render::current_user(&user)));
    }
    let event = events::user_update(&ctx, &user);
    if !ctx.store.update_user(&user, &[event]).await.map_err(from_user_write)? {
        return Err(ApiError::unauthorized());
    }
    ctx.events_committed();
    Ok(axum::Json(render::current_user(&user)))
}

/// `GET /users/{user.id}` — public fields only.
pub async fn user(
    State(ctx): State<ServiceContext>,
    Caller(_): Caller,
    Path(user_id): Path<Snowflake>,
) -> ApiResult<axum::Json<User>> {
    let user = ctx.store.user(user_id).await?.ok_or_else(|| ApiError::new(&code::UNKNOWN_USER))?;
    Ok(axum::Json(render::user(&user)))
}
