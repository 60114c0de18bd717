//! `POST /users/@me/channels` (open the DM of two people, or create a group DM) and
//! `GET /users/@me/channels` (the caller's open DMs and group DMs). Everything else about
//! them is under `/channels/{id}`.

use accord_api::channel::PrivateChannel;
use accord_core::{Snowflake, code};
use accord_service::extract::Json;
use accord_service::private::{self, channel_events, may_contact};
use accord_service::{ApiError, ApiResult, Caller, ServiceContext, render};
use accord_store::private_channels::{DM, GROUP_DM};
use accord_store::{ChannelRecord, OpenedDm, PrivateChannelRecord};
use axum::extract::State;
use serde::Deserialize;

/// The most recipients a new group DM may list besides its creator.
const MAX_GROUP_RECIPIENTS: usize = 10;

#[derive(Debug, Deserialize)]
pub struct CreatePrivateChannel {
    /// A DM with this user.
    #[serde(default)]
    recipient_id: Option<Snowflake>,
    /// A group DM with these users.
    #[serde(default)]
    recipients: Option<Vec<Snowflake>>,
    /// A group DM's name.
    #[serde(default)]
    name: Option<String>,
}

/// `GET /users/@me/channels`
pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
) -> ApiResult<axum::Json<Vec<PrivateChannel>>> {
    Ok(axum::Json(private::views_of(ctx.store.as_ref(), caller.user_id).await?))
}

/// `POST /users/@me/channels` — `{recipient_id}` opens (or reopens) the one DM of the pair;
/// `{recipients, name?}` creates a group DM. Everyone must be someone the caller may contact
/// (403 Cannot send messages to this user otherwise).
pub async fn create(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Json(body): Json<CreatePrivateChannel>,
) -> ApiResult<axum::Json<PrivateChannel>> {
    match (body.recipient_id, body.recipients) {
        (Some(other), None) => open_dm(&ctx, caller.user_id, other).await,
        (None, Some(recipients)) => create_group(&ctx, caller.user_id, recipients, body.name).await,
        _ => Err(ApiError::invalid_field(
            "recipient_id",
            "BASE_TYPE_REQUIRED",
            "Give recipient_id for a DM or recipients for a group DM.",
        )),
    }
}

async fn open_dm(ctx: &ServiceContext, caller: Snowflake, other: Snowflake) -> ApiResult<axum::Json<PrivateChannel>> {
    let users = ctx.store.users(&[caller, other]).await?;
    let other_user = users.iter().find(|u| u.id == other).ok_or_else(|| ApiError::new(&code::UNKNOWN_USER))?;
    if !may_contact(ctx.store.as_ref(), caller, other_user).await? {
        return Err(ApiError::new(&code::CANNOT_MESSAGE_USER));
    }
    let dm = new_channel(ctx, DM, String::new(), None, vec![caller, other]);
    let events = channel_events(ctx, "CHANNEL_CREATE", &dm, &users, [caller, other]);
    let dm = match ctx.store.open_dm(&dm, &events).await? {
        OpenedDm::Created(dm) => {
            ctx.events_committed();
            dm
        }
        OpenedDm::Existing(dm) => {
            let events = channel_events(ctx, "CHANNEL_CREATE", &dm, &users, [caller]);
            if ctx.store.set_dm_open(dm.channel.id, caller, true, &events).await? {
                ctx.events_committed();
            }
            dm
        }
    };
    Ok(axum::Json(render::private_channel(&dm, caller, &users)))
}

async fn create_group(
    ctx: &ServiceContext,
    caller: Snowflake,
    recipients: Vec<Snowflake>,
    name: Option<String>,
) -> ApiResult<axum::Json<PrivateChannel>> {
    let mut people = vec![caller];
    for id in recipients {
        if !people.contains(&id) {
            people.push(id);
        }
    }
    if people.len() > MAX_GROUP_RECIPIENTS + 1 {
        return Err(ApiError::new(&code::GROUP_DM_FULL));
    }
    let name = match name.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(n) if n.chars().count() > 100 => {
            return Err(ApiError::invalid_field("name", "BASE_TYPE_MAX_LENGTH", "Must be at most 100 characters."));
        }
        Some(n) => n.to_owned(),
    };
    let users = ctx.store.users(&people).await?;
    for id in &people[1..] {
        let user = users.iter().find(|u| u.id == *id).ok_or_else(|| ApiError::new(&code::UNKNOWN_USER))?;
        if !may_contact(ctx.store.as_ref(), caller, user).await? {
            return Err(ApiError::new(&code::CANNOT_MESSAGE_USER));
        }
    }
    let group = new_channel(ctx, GROUP_DM, name, Some(caller), people);
    let events = channel_events(ctx, "CHANNEL_CREATE", &group, &users, group.recipients.iter().copied());
    ctx.store.create_group_dm(&group, &events).await?;
    ctx.events_committed();
    Ok(axum::Json(render::private_channel(&group, caller, &users)))
}

fn new_channel(
    ctx: &ServiceContext,
    kind: u8,
    name: String,
    owner_id: Option<Snowflake>,
    recipients: Vec<Snowflake>,
) -> PrivateChannelRecord {
    let channel = ChannelRecord {
        id: ctx.next_id(),
        guild_id: None,
        kind,
        name,
        position: 0,
        parent_id: None,
        topic: None,
        nsfw: false,
        rate_limit_per_user: 0,
        bitrate: None,
        user_limit: None,
        last_message_id: None,
        overwrites: Vec::new(),
        thread: None,
        forum: None,
    };
    PrivateChannelRecord { channel, owner_id, icon: None, recipients }
}
