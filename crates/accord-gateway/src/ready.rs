//! What a session gets when it identifies: READY, then one full GUILD_CREATE per guild.

use std::collections::HashMap;

use accord_core::Snowflake;
use accord_service::{ServiceContext, render, snapshot};
use accord_store::{StoreResult, UserRecord};
use serde_json::{Value, json};

use crate::intents;
use crate::presence::PresenceBook;
use crate::session::Identity;

/// READY's `d`.
pub fn ready(
    identity: &Identity,
    user: &UserRecord,
    guilds: &[Snowflake],
    resume_url: &str,
    application: Option<(Snowflake, u64)>,
    shard: Option<[u64; 2]>,
) -> Value {
    let mut ready = json!({
        "v": 10,
        "user": render::current_user(user),
        "guilds": guilds.iter().map(|id| json!({ "id": id, "unavailable": true })).collect::<Vec<_>>(),
        "session_id": identity.session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "user_settings": {},
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
    });
    if let Some((id, flags)) = application {
        ready["application"] = json!({ "id": id, "flags": flags });
    }
    if let Some(shard) = shard {
        ready["shard"] = json!(shard);
    }
    ready
}

/// Members (lowest ids first) whose presences GUILD_CREATE looks up when presences are asked for.
const PRESENCE_SCAN: u32 = 1000;

/// The GUILD_CREATE `d` for one guild. Its members are the user, plus the online members and
/// their presences when the session asked for presences (the rest come through op 8). When
/// the shared state is unavailable, nobody else shows as online.
pub async fn guild_create(
    ctx: &ServiceContext,
    presence: &PresenceBook,
    identity: &Identity,
    user: &UserRecord,
    guild_id: Snowflake,
    large_threshold: u64,
) -> StoreResult<Option<String>> {
    let store = ctx.store.as_ref();
    let (Some(guild), Some(member)) = (store.guild(guild_id).await?, store.member(guild_id, user.id).await?) else {
        return Ok(None);
    };
    let roles = store.guild_roles(guild_id).await?;
    let channels = store.guild_channels(guild_id).await?;
    let mut online = Vec::new();
    if identity.wants(intents::GUILD_PRESENCES) {
        let members = store.members(guild_id, None, PRESENCE_SCAN).await?;
        let ids: Vec<Snowflake> = members.iter().map(|m| m.user_id).collect();
        let presences = presence.online(&ids).await;
        let online_ids: Vec<Snowflake> = ids.into_iter().filter(|id| presences.get(*id).is_some()).collect();
        let mut users: HashMap<Snowflake, UserRecord> =
            store.users(&online_ids).await?.into_iter().map(|u| (u.id, u)).collect();
        for m in members {
            if let (Some(p), Some(u)) = (presences.get(m.user_id), users.remove(&m.user_id)) {
                online.push(((m, u), p.clone()));
            }
        }
    }
    let others: Vec<_> = online.iter().map(|(pair, _)| pair.clone()).collect();
    let mut payload = snapshot::guild_create(ctx, &guild, &roles, &channels, &member, user, &others).await?;
    payload.large = payload.member_count > large_threshold;
    payload.presences = online
        .iter()
        .map(|((_, u), p)| {
            let mut v = p.payload(u.id);
            v["guild_id"] = json!(guild_id);
            v
        })
        .collect();
    Ok(Some(serde_json::to_string(&payload).expect("wire types always serialise")))
}
