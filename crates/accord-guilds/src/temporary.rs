//! Temporary membership: who joined through a temporary invite leaves the guild once they go
//! offline, unless they were given a role meanwhile. Every [`PERIOD`] the guilds service
//! looks at the temporary members and removes those with no presence left (no gateway
//! session, nothing set over REST) who joined more than [`GRACE`] ago (time to connect after
//! accepting). In a cluster the first guilds process to take a round's marker does it.

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use accord_core::Snowflake;
use accord_core::time::now_ms;
use accord_service::ServiceContext;
use accord_service::presence::read;
use accord_store::StoreResult;

use crate::events;

/// How often temporary members are looked at.
pub const PERIOD: Duration = Duration::from_secs(30);
/// How long a new temporary member has to come online.
pub const GRACE: Duration = Duration::from_secs(60);
/// Temporary members looked at per round at most.
const BATCH: u32 = 1000;

/// Removes offline temporary members every [`PERIOD`] until `stop` completes.
pub async fn run(ctx: ServiceContext, stop: impl Future<Output = ()>) {
    let mut tick = tokio::time::interval(PERIOD);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = tick.tick() => {}
        }
        let round = now_ms() / PERIOD.as_millis() as u64;
        let ours = ctx.kv.cache_set_if_absent(&format!("guilds:temporary:{round}"), "1", PERIOD * 2).await;
        if !ours.unwrap_or(true) {
            continue;
        }
        if let Err(error) = remove_offline(&ctx, now_ms()).await {
            tracing::warn!(%error, "removing offline temporary members failed; trying again next round");
        }
    }
}

/// Removes the temporary members offline at `now`; returns how many.
pub async fn remove_offline(ctx: &ServiceContext, now: u64) -> StoreResult<usize> {
    let temporary = ctx.store.temporary_members(BATCH).await?;
    let mut users: Vec<Snowflake> = temporary.iter().map(|(_, user)| *user).collect();
    users.sort_unstable();
    users.dedup();
    let present: HashSet<Snowflake> = read(ctx, &users).await.into_keys().collect();
    let mut removed = 0;
    for (guild_id, user_id) in temporary.into_iter().filter(|(_, user)| !present.contains(user)) {
        let Some(member) = ctx.store.member(guild_id, user_id).await? else { continue };
        if member.joined_ms + GRACE.as_millis() as u64 > now {
            continue;
        }
        let Some(user) = ctx.store.user(user_id).await? else { continue };
        let events = [events::member_remove(ctx, guild_id, &user), events::guild_delete(ctx, guild_id, vec![user_id])];
        if ctx.store.remove_member(guild_id, user_id, &events).await? {
            ctx.events_committed();
            accord_service::voice::state::left_guild(ctx, guild_id, user_id).await;
            removed += 1;
        }
    }
    Ok(removed)
}
