//! DMs and group DMs as their recipients see them: each recipient's view lists the others, so
//! a channel event goes to each recipient with their own payload. Also who may contact whom,
//! and a user's relationships.

use accord_api::channel::PrivateChannel;
use accord_core::Snowflake;
use accord_store::{EventDraft, PrivateChannelRecord, Store, StoreResult, UserRecord, relationships};

use crate::{ServiceContext, render};

/// The users of every recipient of `channels`, read at once.
pub async fn recipient_users(store: &dyn Store, channels: &[&PrivateChannelRecord]) -> StoreResult<Vec<UserRecord>> {
    let mut ids: Vec<Snowflake> = channels.iter().flat_map(|p| p.recipients.iter().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    store.users(&ids).await
}

/// One channel as `viewer` sees it.
pub async fn view(store: &dyn Store, channel: &PrivateChannelRecord, viewer: Snowflake) -> StoreResult<PrivateChannel> {
    let users = recipient_users(store, &[channel]).await?;
    Ok(render::private_channel(channel, viewer, &users))
}

/// The channels `viewer` has open, as they see them.
pub async fn views_of(store: &dyn Store, viewer: Snowflake) -> StoreResult<Vec<PrivateChannel>> {
    let channels = store.private_channels_of(viewer).await?;
    let users = recipient_users(store, &channels.iter().collect::<Vec<_>>()).await?;
    Ok(channels.iter().map(|c| render::private_channel(c, viewer, &users)).collect())
}

/// `name` (CHANNEL_CREATE, CHANNEL_UPDATE, CHANNEL_DELETE) to each of `to`, with their view.
pub fn channel_events(
    ctx: &ServiceContext,
    name: &str,
    channel: &PrivateChannelRecord,
    users: &[UserRecord],
    to: impl IntoIterator<Item = Snowflake>,
) -> Vec<EventDraft> {
    to.into_iter()
        .map(|viewer| ctx.event(name, None, None, vec![viewer], &render::private_channel(channel, viewer, users)))
        .collect()
}

/// Whether `from` may start a conversation with `to` (open a DM, add them to a group): not
/// themselves, neither blocks the other, and they are friends, or share a guild whose members
/// `to` accepts DMs from.
pub async fn may_contact(store: &dyn Store, from: Snowflake, to: &UserRecord) -> StoreResult<bool> {
    if from == to.id {
        return Ok(false);
    }
    let pair = store.relationship_pair(from, to.id).await?;
    if pair.blocked() {
        return Ok(false);
    }
    if pair.mine_is(relationships::kind::FRIEND) {
        return Ok(true);
    }
    let shared = store.shared_guilds(from, to.id).await?;
    if shared.is_empty() {
        return Ok(false);
    }
    let settings = crate::settings::document_of(store, to.id).await?.settings;
    Ok(!settings.default_guilds_restricted && shared.iter().any(|g| !settings.restricted_guilds.contains(g)))
}

/// The relationship objects of `user_id` (READY and `GET /users/@me/relationships`).
pub async fn relationships_of(store: &dyn Store, user_id: Snowflake) -> StoreResult<Vec<serde_json::Value>> {
    let relationships = store.relationships(user_id).await?;
    let ids: Vec<Snowflake> = relationships.iter().map(|r| r.other_id).collect();
    let users = store.users(&ids).await?;
    Ok(relationships
        .iter()
        .filter_map(|r| Some(render::relationship(users.iter().find(|u| u.id == r.other_id)?, r.side)))
        .collect())
}
