//! READY's `read_state` for people (bots keep none): per readable channel, active thread or DM
//! that the user marked read or was pinged in since, `{id, last_message_id, mention_count,
//! last_pin_timestamp}`. Mentions count only where the user can see now.

use accord_core::time::format_timestamp;
use accord_core::{Permissions, Snowflake};
use accord_service::ServiceContext;
use accord_service::access::GuildAccess;
use accord_store::StoreResult;
use serde_json::{Value, json};

pub async fn read_state(ctx: &ServiceContext, user_id: Snowflake, guilds: &[Snowflake]) -> StoreResult<Value> {
    let store = ctx.store.as_ref();
    let (mut channels, mut targets) = (Vec::new(), vec![user_id]);
    for guild_id in guilds {
        let Some(access) = GuildAccess::load(store, *guild_id, user_id).await? else { continue };
        let Some(member) = &access.member else { continue };
        targets.push(*guild_id);
        targets.extend(member.roles.iter().copied());
        let parents = store.guild_channels(*guild_id).await?;
        for channel in &parents {
            if access.channel_permissions(channel).contains(Permissions::VIEW_CHANNEL) {
                channels.push(channel.id);
            }
        }
        let threads = store.active_threads(*guild_id).await?;
        let ids: Vec<Snowflake> = threads.iter().map(|t| t.id).collect();
        let joined = store.memberships(user_id, &ids).await?;
        for thread in &threads {
            let parent = parents.iter().find(|p| Some(p.id) == thread.parent_id);
            let member = joined.iter().any(|m| m.thread_id == thread.id);
            if parent.is_some_and(|parent| access.can_see_thread(parent, thread, member)) {
                channels.push(thread.id);
            }
        }
    }
    channels.extend(store.private_channels_of(user_id).await?.iter().map(|p| p.channel.id));
    let states = store.read_states(user_id, &channels, &targets).await?;
    let entries: Vec<Value> = states
        .iter()
        .map(|s| {
            json!({
                "id": s.channel_id,
                "last_message_id": s.last_message_id.map_or_else(|| "0".to_owned(), |id| id.to_string()),
                "mention_count": s.mention_count,
                "last_pin_timestamp": format_timestamp(s.last_pin_ms.unwrap_or(0)),
            })
        })
        .collect();
    Ok(json!({ "version": 1, "partial": false, "entries": entries }))
}
