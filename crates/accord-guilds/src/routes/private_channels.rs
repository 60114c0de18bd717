//! `/channels/{id}` for DMs and group DMs, and a group's recipients. Anyone in a group may
//! rename it and change its icon; only its owner adds and removes people. Deleting a DM
//! closes it for the caller (a new message opens it again); deleting a group DM leaves it.

use accord_api::channel::PrivateChannel;
use accord_core::{Snowflake, code};
use accord_files::keys;
use accord_service::access::ChannelAccess;
use accord_service::extract::Path;
use accord_service::private::{self, channel_events, recipient_users};
use accord_service::{ApiError, ApiResult, Caller, ServiceContext, render};
use accord_store::private_channels::{DM, GROUP_DM};
use accord_store::{EventDraft, PrivateChannelRecord, RecipientChange, UserRecord};
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use super::channels::ModifyChannel;
use crate::error::{GuildError, invalid};
use crate::validate;

/// The most people a group DM holds: its owner and ten recipients.
pub const MAX_GROUP_PEOPLE: usize = 11;

/// `PATCH /channels/{id}` on a group DM: `name` and `icon` only.
pub async fn modify(
    ctx: &ServiceContext,
    caller: Snowflake,
    group: PrivateChannelRecord,
    body: ModifyChannel,
) -> ApiResult<PrivateChannel> {
    if group.channel.kind != GROUP_DM {
        return Err(ApiError::new(&code::WRONG_CHANNEL_TYPE));
    }
    if let Some(field) = body.channel_only_field().or_else(|| body.thread.first_given()) {
        return Err(invalid(field, "Group DMs do not have this field.").into());
    }
    let mut after = group.clone();
    if let Some(name) = &body.name {
        after.channel.name = if name.is_empty() { String::new() } else { validate::name("name", name, 1, 100)? };
    }
    if let Some(icon) = &body.icon {
        after.icon = match icon {
            Some(uri) => {
                let bytes = accord_files::parse_image_data_uri(uri, accord_files::MAX_IMAGE_BYTES)
                    .map_err(|e| e.in_field("icon"))?;
                let hash = accord_files::image_hash(&bytes);
                // The bytes go first: a group must never name an icon that is not stored.
                accord_files::store_image(ctx.blobs.as_ref(), keys::channel_icon(group.channel.id, &hash), bytes)
                    .await
                    .map_err(|e| e.in_field("icon"))?;
                Some(hash)
            }
            None => None,
        };
    }
    let users = recipient_users(ctx.store.as_ref(), &[&after]).await?;
    if after != group {
        let events = channel_events(ctx, "CHANNEL_UPDATE", &after, &users, after.recipients.iter().copied());
        if !ctx.store.update_group_dm(&after, &events).await? {
            return Err(GuildError::UnknownChannel.into());
        }
        ctx.events_committed();
    }
    Ok(render::private_channel(&after, caller, &users))
}

/// `DELETE /channels/{id}` on a DM (close it) or a group DM (leave it); answers the channel
/// as the caller saw it.
pub async fn delete(
    ctx: &ServiceContext,
    caller: Snowflake,
    channel: PrivateChannelRecord,
) -> ApiResult<PrivateChannel> {
    let users = recipient_users(ctx.store.as_ref(), &[&channel]).await?;
    let view = render::private_channel(&channel, caller, &users);
    if channel.channel.kind == DM {
        let event = ctx.event("CHANNEL_DELETE", None, None, vec![caller], &view);
        if ctx.store.set_dm_open(channel.channel.id, caller, false, &[event]).await? {
            ctx.events_committed();
        }
        return Ok(view);
    }
    remove(ctx, &channel, caller, &users).await?;
    Ok(view)
}

/// `PUT /channels/{id}/recipients/{user_id}` — the group's owner adds someone who may be
/// contacted (see [`accord_service::private::may_contact`]).
pub async fn add_recipient(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, user_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<StatusCode> {
    let group = owned_group(&ctx, caller.user_id, channel_id).await?;
    let user = ctx.store.user(user_id).await?.ok_or(GuildError::UnknownUser)?;
    if !group.is_recipient(user_id) && !private::may_contact(ctx.store.as_ref(), caller.user_id, &user).await? {
        return Err(ApiError::new(&code::CANNOT_MESSAGE_USER));
    }
    let mut users = recipient_users(ctx.store.as_ref(), &[&group]).await?;
    users.push(user.clone());
    let added = |after: &PrivateChannelRecord| -> Vec<EventDraft> {
        let view = render::private_channel(after, user_id, &users);
        let mut events = vec![ctx.event("CHANNEL_CREATE", None, None, vec![user_id], &view)];
        let others = after.others(user_id).collect();
        events.push(ctx.event(
            "CHANNEL_RECIPIENT_ADD",
            None,
            None,
            others,
            &json!({ "channel_id": channel_id, "user": render::user(&user) }),
        ));
        events
    };
    match ctx.store.add_recipient(channel_id, user_id, MAX_GROUP_PEOPLE, &added).await? {
        RecipientChange::Changed(_) => ctx.events_committed(),
        RecipientChange::Unchanged(_) => {}
        RecipientChange::Full => return Err(ApiError::new(&code::GROUP_DM_FULL)),
        RecipientChange::Unknown => return Err(GuildError::UnknownChannel.into()),
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{id}/recipients/{user_id}` — the group's owner removes someone.
pub async fn remove_recipient(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, user_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<StatusCode> {
    let group = owned_group(&ctx, caller.user_id, channel_id).await?;
    if !group.is_recipient(user_id) {
        return Err(GuildError::UnknownUser.into());
    }
    let users = recipient_users(ctx.store.as_ref(), &[&group]).await?;
    remove(&ctx, &group, user_id, &users).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes `user_id` from a group: CHANNEL_DELETE to them, CHANNEL_RECIPIENT_REMOVE to the
/// others, and CHANNEL_UPDATE when the group changed owner.
async fn remove(
    ctx: &ServiceContext,
    group: &PrivateChannelRecord,
    user_id: Snowflake,
    users: &[UserRecord],
) -> Result<(), ApiError> {
    let removed_user = users.iter().find(|u| u.id == user_id);
    let removed = |after: &PrivateChannelRecord| -> Vec<EventDraft> {
        let view = render::private_channel(group, user_id, users);
        let mut events = vec![ctx.event("CHANNEL_DELETE", None, None, vec![user_id], &view)];
        if after.recipients.is_empty() {
            return events;
        }
        let user = removed_user.map(render::user);
        let data = json!({ "channel_id": group.channel.id, "user": user });
        events.push(ctx.event("CHANNEL_RECIPIENT_REMOVE", None, None, after.recipients.clone(), &data));
        if after.owner_id != group.owner_id {
            events.extend(channel_events(ctx, "CHANNEL_UPDATE", after, users, after.recipients.iter().copied()));
        }
        events
    };
    match ctx.store.remove_recipient(group.channel.id, user_id, &removed).await? {
        RecipientChange::Changed(_) => ctx.events_committed(),
        RecipientChange::Unchanged(_) => {}
        RecipientChange::Full | RecipientChange::Unknown => return Err(GuildError::UnknownChannel.into()),
    }
    Ok(())
}

/// A group DM the caller owns: 404 if they are not in it, 400 for a DM, 403 for a non-owner.
async fn owned_group(
    ctx: &ServiceContext,
    caller: Snowflake,
    channel_id: Snowflake,
) -> Result<PrivateChannelRecord, ApiError> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller).await?;
    let group = access.private.ok_or_else(|| ApiError::new(&code::WRONG_CHANNEL_TYPE))?;
    if group.channel.kind != GROUP_DM {
        return Err(ApiError::new(&code::WRONG_CHANNEL_TYPE));
    }
    if group.owner_id != Some(caller) {
        return Err(GuildError::MissingPermissions.into());
    }
    Ok(group)
}
