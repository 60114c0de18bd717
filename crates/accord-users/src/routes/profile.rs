//! `/users/@me` (read and edit, profile fields included), `/users/{id}` (public fields) and
//! `/users/{id}/profile` (bio, pronouns, banner, and what the caller has in common with them).

use accord_api::settings::Profile;
use accord_api::user::{CurrentUser, User};
use accord_core::names::{GlobalName, Username};
use accord_core::{Snowflake, code};
use accord_files::keys;
use accord_service::extract::{Json, Path, nullable};
use accord_service::settings::document_of;
use accord_service::{ApiError, ApiResult, Caller, ServiceContext, render};
use accord_store::UserRecord;
use accord_store::relationships::kind::FRIEND;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::from_user_write;
use crate::events;

/// The longest bio and pronouns, in characters.
const MAX_BIO: usize = 190;
const MAX_PRONOUNS: usize = 40;

/// `GET /users/@me`
pub async fn me(State(ctx): State<ServiceContext>, Caller(caller): Caller) -> ApiResult<axum::Json<CurrentUser>> {
    let user = ctx.store.user(caller.user_id).await?.ok_or_else(ApiError::unauthorized)?;
    let profile = document_of(ctx.store.as_ref(), user.id).await?.profile;
    Ok(axum::Json(render::current_user_with(&user, &profile)))
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
    /// Like `avatar`, for the profile's banner.
    #[serde(default, deserialize_with = "nullable")]
    banner: Option<Option<String>>,
    #[serde(default)]
    bio: Option<String>,
    #[serde(default)]
    pronouns: Option<String>,
    /// An RGB colour, or null for none.
    #[serde(default, deserialize_with = "nullable")]
    accent_color: Option<Option<u32>>,
}

/// `PATCH /users/@me` — the caller's username, display name, avatar and profile fields
/// (people and bots alike). Sends USER_UPDATE to the caller and answers the current user.
pub async fn modify(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Json(body): Json<ModifyCurrentUser>,
) -> ApiResult<axum::Json<CurrentUser>> {
    let current = ctx.store.user(caller.user_id).await?.ok_or_else(ApiError::unauthorized)?;
    let mut document = document_of(ctx.store.as_ref(), current.id).await?;
    let before = document.profile.clone();
    let mut user = current.clone();
    if let Some(username) = body.username {
        user.username = Username::try_from(username)?.into();
    }
    if let Some(global_name) = body.global_name {
        user.global_name = global_name.map(GlobalName::try_from).transpose()?.map(String::from);
    }
    let profile = &mut document.profile;
    if let Some(bio) = body.bio {
        profile.bio = limited("bio", bio, MAX_BIO)?;
    }
    if let Some(pronouns) = body.pronouns {
        profile.pronouns = limited("pronouns", pronouns, MAX_PRONOUNS)?;
    }
    if let Some(colour) = body.accent_color {
        if colour.is_some_and(|c| c > 0xFF_FFFF) {
            return Err(ApiError::invalid_field("accent_color", "NUMBER_TYPE_MAX", "Must be at most 16777215."));
        }
        profile.accent_color = colour;
    }
    if let Some(avatar) = body.avatar {
        user.avatar = stored_image(&ctx, "avatar", avatar, |hash| keys::avatar(user.id, hash)).await?;
    }
    if let Some(banner) = body.banner {
        profile.banner = stored_image(&ctx, "banner", banner, |hash| keys::banner(user.id, hash)).await?;
    }
    let event = events::user_update(&ctx, &user, &document.profile);
    let user_changed = user != current;
    if document.profile != before {
        // The profile first: a taken username then fails after it, which only means the
        // profile changed without the name, and USER_UPDATE says so.
        let events = if user_changed { Vec::new() } else { vec![event.clone()] };
        ctx.store.set_user_settings(user.id, &document.to_json(), &events).await?;
        ctx.events_committed();
    }
    if user_changed {
        if !ctx.store.update_user(&user, &[event]).await.map_err(from_user_write)? {
            return Err(ApiError::unauthorized());
        }
        ctx.events_committed();
    }
    Ok(axum::Json(render::current_user_with(&user, &document.profile)))
}

/// A text field of at most `max` characters.
fn limited(field: &str, text: String, max: usize) -> ApiResult<String> {
    if text.chars().count() > max {
        return Err(ApiError::invalid_field(
            field,
            "BASE_TYPE_MAX_LENGTH",
            &format!("Must be at most {max} characters."),
        ));
    }
    Ok(text)
}

/// A data-URI image stored under its hash (or none to clear it). The bytes go first: a user
/// must never name an image that is not stored; a failed update leaves an unreferenced blob,
/// which is harmless.
async fn stored_image(
    ctx: &ServiceContext,
    field: &str,
    uri: Option<String>,
    key: impl FnOnce(&str) -> accord_blobs::BlobKey,
) -> ApiResult<Option<String>> {
    let Some(uri) = uri else { return Ok(None) };
    let bytes =
        accord_files::parse_image_data_uri(&uri, accord_files::MAX_IMAGE_BYTES).map_err(|e| e.in_field(field))?;
    let hash = accord_files::image_hash(&bytes);
    accord_files::store_image(ctx.blobs.as_ref(), key(&hash), bytes).await.map_err(|e| e.in_field(field))?;
    Ok(Some(hash))
}

async fn existing(ctx: &ServiceContext, user_id: Snowflake) -> ApiResult<UserRecord> {
    ctx.store.user(user_id).await?.ok_or_else(|| ApiError::new(&code::UNKNOWN_USER))
}

/// `GET /users/{user.id}` — public fields only.
pub async fn user(
    State(ctx): State<ServiceContext>,
    Caller(_): Caller,
    Path(user_id): Path<Snowflake>,
) -> ApiResult<axum::Json<User>> {
    let user = existing(&ctx, user_id).await?;
    let profile = document_of(ctx.store.as_ref(), user_id).await?.profile;
    Ok(axum::Json(render::user_with(&user, &profile)))
}

/// `GET /users/{user.id}/profile` — the user, their profile fields, and the guilds and
/// friends the caller shares with them. For people only (as on Discord), and only about
/// themselves, friends, people they share a guild with, and discoverable users (404 else).
pub async fn profile(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(user_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Value>> {
    if caller.is_bot() {
        return Err(ApiError::new(&code::BOTS_CANNOT_USE));
    }
    let user = existing(&ctx, user_id).await?;
    let store = ctx.store.as_ref();
    let document = document_of(store, user_id).await?;
    if caller.user_id != user_id && !document.settings.discoverable {
        let pair = store.relationship_pair(caller.user_id, user_id).await?;
        let friends = pair.mine_is(FRIEND) && !pair.blocked();
        if !friends && store.shared_guilds(caller.user_id, user_id).await?.is_empty() {
            return Err(ApiError::new(&code::UNKNOWN_USER));
        }
    }
    let Profile { bio, pronouns, banner, accent_color } = document.profile;
    let mut mutual_guilds = Vec::new();
    let mut mutual_friends = Vec::new();
    if caller.user_id != user_id {
        for guild_id in store.shared_guilds(caller.user_id, user_id).await? {
            let nick = store.member(guild_id, user_id).await?.and_then(|m| m.nick);
            mutual_guilds.push(json!({ "id": guild_id, "nick": nick }));
        }
        let friends = |list: Vec<accord_store::RelationshipRecord>| -> Vec<Snowflake> {
            list.into_iter().filter(|r| r.side.kind == FRIEND).map(|r| r.other_id).collect()
        };
        let mine = friends(store.relationships(caller.user_id).await?);
        let common: Vec<Snowflake> =
            friends(store.relationships(user_id).await?).into_iter().filter(|f| mine.contains(f)).collect();
        mutual_friends = store.users(&common).await?.iter().map(render::user).collect();
    }
    let profile = Profile { bio, pronouns, banner, accent_color };
    Ok(axum::Json(json!({
        "user": render::user_with(&user, &profile),
        "user_profile": profile,
        "mutual_guilds": mutual_guilds,
        "mutual_friends_count": mutual_friends.len(),
        "mutual_friends": mutual_friends,
        "connected_accounts": [],
        "premium_type": null,
    })))
}
